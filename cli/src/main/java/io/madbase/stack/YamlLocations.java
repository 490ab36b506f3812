package io.madbase.stack;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each field of a YAML document stands, so that errors found after binding (a contradiction
 * between two values, say) can still name the line.
 */
public final class YamlLocations {
  /** A 1-based line and column. */
  public record Position(int line, int column) {}

  private static final YAMLFactory FACTORY = new YAMLFactory();

  /** A number or true/false that the parser read as text: it can only have been quoted. */
  private static final java.util.regex.Pattern LITERAL =
      java.util.regex.Pattern.compile("[-+]?[0-9]+(\\.[0-9]+)?|true|false");

  private final Map<String, Position> byPath;
  private final Map<String, String> valueByPath;

  private YamlLocations(Map<String, Position> byPath, Map<String, String> valueByPath) {
    this.byPath = byPath;
    this.valueByPath = valueByPath;
  }

  /** Indexes every field of {@code text}; a document that does not parse yields an empty index. */
  public static YamlLocations index(String text) {
    Map<String, Position> map = new HashMap<>();
    Map<String, String> values = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        // a field's key, or an element of a list (which has no key: "method.1")
        // (a START token has already opened its own context: its parent tells whether it is an
        // element)
        var ctx = p.getParsingContext();
        boolean element =
            t.isStructStart()
                ? ctx.getParent() != null && ctx.getParent().inArray()
                : t.isScalarValue() && ctx.inArray();
        if (t == JsonToken.FIELD_NAME || element) {
          JsonLocation loc = p.currentTokenLocation();
          String path = dotted(p.getParsingContext().pathAsPointer());
          map.putIfAbsent(path, new Position(loc.getLineNr(), loc.getColumnNr()));
        }
        // what each value is, as written: messages quote the file, not a value Jackson made of it
        if (t.isScalarValue()) {
          String value = p.getText();
          boolean quotedLiteral =
              t == JsonToken.VALUE_STRING && LITERAL.matcher(value.strip()).matches();
          values.putIfAbsent(
              dotted(ctx.pathAsPointer()),
              "'"
                  + Problems.shown(value)
                  + "'"
                  + (quotedLiteral ? " (in quotes, which makes it text: remove them)" : ""));
        } else if (t.isStructStart() && ctx.getParent() != null) {
          values.putIfAbsent(
              dotted(ctx.getParent().pathAsPointer()),
              t == JsonToken.START_ARRAY ? "a list" : "a mapping");
        }
      }
    } catch (IOException e) {
      // syntax errors are reported by the binder, with their own location
    }
    return new YamlLocations(map, values);
  }

  /** The position of {@code path}, or of its nearest ancestor that is in the file. */
  public Optional<Position> find(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Position pos = byPath.get(p);
      if (pos != null) {
        return Optional.of(pos);
      }
      int dot = p.lastIndexOf('.');
      p = dot < 0 ? "" : p.substring(0, dot);
    }
    return Optional.empty();
  }

  /**
   * The value at {@code path} as the file writes it: {@code 'text'} (quoted, cut when long), "a
   * list" or "a mapping".
   */
  public Optional<String> written(String path) {
    return Optional.ofNullable(valueByPath.get(path));
  }

  /** Whether the file itself sets {@code path} (rather than a default supplying it). */
  public boolean contains(String path) {
    return byPath.containsKey(path);
  }

  static String dotted(JsonPointer pointer) {
    StringBuilder sb = new StringBuilder();
    for (JsonPointer ptr = pointer; ptr != null && !ptr.matches(); ptr = ptr.tail()) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(ptr.getMatchingProperty());
    }
    return sb.toString();
  }
}
