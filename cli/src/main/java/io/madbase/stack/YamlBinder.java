package io.madbase.stack;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.madbase.common.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Binds madbase's YAML files (madbase.yaml, scenario files) to records, strictly: snake_case keys,
 * unknown keys refused, no coercion of "3" to 3, durations with a unit. Every problem comes back
 * located (file, line, column, field) as a {@link SpecException}.
 */
public final class YamlBinder {
  private static final ObjectMapper MAPPER = strictYamlMapper();

  private YamlBinder() {}

  /** A bound value and where each of its fields stood in the file. */
  public record Bound<T>(T value, YamlLocations where) {}

  /**
   * Binds {@code text} to {@code type}; an empty (or comments-only) document yields {@code
   * whenEmpty}.
   */
  public static <T> Bound<T> bind(
      String source, String text, Class<T> type, Supplier<T> whenEmpty) {
    YamlLocations where = YamlLocations.index(text);
    if (text.isBlank() || isOnlyComments(text)) {
      return new Bound<>(whenEmpty.get(), where);
    }
    List<SpecError> shape;
    try {
      shape = YamlShape.check(source, text);
    } catch (MarkedYAMLException e) {
      throw new SpecException(List.of(syntaxError(source, e)));
    } catch (ReaderException e) {
      throw new SpecException(List.of(readerError(source, text, e)));
    } catch (YAMLException e) {
      throw new SpecException(List.of(new SpecError(source, 0, 0, "", "not valid YAML")));
    }
    if (!shape.isEmpty()) {
      throw new SpecException(shape);
    }
    T value;
    try {
      value = MAPPER.readValue(text, type);
    } catch (JsonMappingException e) {
      throw new SpecException(List.of(bindingError(source, e, where)));
    } catch (JsonProcessingException e) {
      throw new SpecException(List.of(syntaxError(source, e)));
    }
    return new Bound<>(value == null ? whenEmpty.get() : value, where);
  }

  /** The mapper used for madbase files: snake_case keys, no coercion, durations as "2s". */
  static ObjectMapper strictYamlMapper() {
    ObjectMapper m =
        JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Boolean, LogicalType.Float)) {
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    m.registerModule(
        new SimpleModule("madbase-durations")
            .addDeserializer(Duration.class, new DurationDeserializer()));
    return m;
  }

  private static boolean isOnlyComments(String text) {
    return text.lines()
        .map(String::strip)
        .allMatch(l -> l.isEmpty() || l.startsWith("#") || l.equals("---"));
  }

  /**
   * SnakeYAML knows where the problem is and what it is, in its own words (token names such as
   * {@code <block mapping start>}): say it in a reader's.
   */
  private static SpecError syntaxError(String source, MarkedYAMLException y) {
    var mark = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
    return new SpecError(
        source,
        mark == null ? 0 : mark.getLine() + 1,
        mark == null ? 0 : mark.getColumn() + 1,
        "",
        "not valid YAML: " + YamlWords.problem(y.getProblem(), y.getContext()));
  }

  /** A character YAML does not allow (NUL, BEL, ...), located by counting lines up to it. */
  private static SpecError readerError(String source, String text, ReaderException r) {
    int line = 1;
    int col = 1;
    int cp = 0;
    for (int i = 0; i < text.length() && cp < r.getPosition(); cp++) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new SpecError(
        source,
        line,
        col,
        "",
        String.format(
            Locale.ROOT,
            "a control character (U+%04X) is not allowed in YAML text: remove it",
            r.getCodePoint()));
  }

  private static SpecError syntaxError(String source, JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
      return syntaxError(source, y);
    }
    // the events were checked already: what is left is a limit of the reader, never its wording
    JsonLocation loc = e.getLocation();
    return new SpecError(
        source,
        loc == null ? 0 : loc.getLineNr(),
        loc == null ? 0 : loc.getColumnNr(),
        "",
        "not valid YAML here");
  }

  private static SpecError bindingError(
      String source, JsonMappingException e, YamlLocations where) {
    String path = path(e.getPath());
    // the parser's location is past the offending value (often the next line): the key's own
    // position, from the index, is where the user looks
    JsonLocation loc = e.getLocation();
    Optional<YamlLocations.Position> pos =
        where.contains(path) ? where.find(path) : Optional.empty();
    int line = pos.map(YamlLocations.Position::line).orElse(loc == null ? 0 : loc.getLineNr());
    int col = pos.map(YamlLocations.Position::column).orElse(loc == null ? 0 : loc.getColumnNr());
    String got = where.written(path).map(w -> ", got " + w).orElse("");
    String message;
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds().stream()
              .map(Object::toString)
              .collect(Collectors.toCollection(TreeSet::new))
              .stream()
              .collect(Collectors.joining(", "));
      message =
          "unknown field '" + Problems.shown(u.getPropertyName()) + "' (known here: " + known + ")";
    } else if (e.getCause() instanceof InputCoercionException c) {
      // a number beyond what the field holds: "out of range of int (-2147483648 - 2147483647)"
      boolean isLong = c.getTargetType() == Long.class || c.getTargetType() == long.class;
      message =
          "expected "
              + describe(c.getTargetType())
              + " between "
              + (isLong ? Long.MIN_VALUE : Integer.MIN_VALUE)
              + " and "
              + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE)
              + got;
    } else if (e.getCause() instanceof StreamReadException r
        && String.valueOf(r.getOriginalMessage()).startsWith("Malformed numeric value")) {
      // YAML's .inf and .nan: numbers to YAML, not to any field here
      message = "expected a whole number" + got;
    } else if (e instanceof InvalidFormatException f) {
      message =
          "expected "
              + describe(f.getTargetType())
              + (got.isEmpty()
                  ? ", got '" + Problems.shown(String.valueOf(f.getValue())) + "'"
                  : got);
    } else if (e instanceof MismatchedInputException m) {
      message = "expected " + describe(m.getTargetType()) + got;
    } else {
      // Jackson's own words ("Malformed numeric value", class names) never reach the user
      message = "cannot be read as a setting here" + got;
    }
    return new SpecError(source, line, col, path, message);
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    return refs.stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex()))
        .collect(Collectors.joining("."));
  }

  static String describe(Class<?> type) {
    if (type == null) {
      return "a different value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (type == Duration.class) {
      return Durations.EXPECTED;
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
    }
    if (type.isRecord() || Map.class.isAssignableFrom(type)) {
      return "a mapping of fields (key: value)";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a " + type.getSimpleName();
  }

  /** Reads "500ms", "2s", "1m"; refuses bare numbers, whose unit a reader would have to guess. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken().isStructStart()) {
        // a list or mapping: the message says which, from the file (not Jackson's "[" or "{")
        throw MismatchedInputException.from(p, Duration.class, "not a duration");
      }
      String text = p.getText();
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw InvalidFormatException.from(p, "duration needs a unit", text, Duration.class);
      }
      return Durations.parse(text)
          .orElseThrow(() -> InvalidFormatException.from(p, "bad duration", text, Duration.class));
    }
  }
}
