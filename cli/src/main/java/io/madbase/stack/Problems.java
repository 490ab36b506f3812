package io.madbase.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects validation problems of one file, each located at the field the user should change: of
 * several fields a rule involves, the first one the file sets (a default cannot be wrong on its
 * own); if the file sets none, the nearest ancestor that it does.
 */
public final class Problems {
  private final String source;
  private final YamlLocations where;
  private final List<SpecError> errors = new ArrayList<>();

  public Problems(String source, YamlLocations where) {
    this.source = source;
    this.where = where;
  }

  public void add(String field, String message) {
    add(List.of(field), message);
  }

  public void add(List<String> fields, String message) {
    String field = fields.stream().filter(where::contains).findFirst().orElse(fields.get(0));
    var pos = where.find(field);
    errors.add(
        new SpecError(
            source,
            pos.map(YamlLocations.Position::line).orElse(0),
            pos.map(YamlLocations.Position::column).orElse(0),
            field,
            message));
  }

  /** The longest value a message quotes in full. */
  static final int SHOWN_MAX = 60;

  /**
   * A value from the file as a message quotes it: control characters escaped (a terminal escape in
   * a file is shown, not obeyed) and cut after {@value #SHOWN_MAX} characters, saying how long it
   * was.
   */
  public static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    int n = value.codePointCount(0, value.length());
    int i = 0;
    for (int off = 0; off < value.length() && i < SHOWN_MAX; i++) {
      int cp = value.codePointAt(off);
      off += Character.charCount(cp);
      if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\t') {
        sb.append("\\t");
      } else if (Character.isISOControl(cp)
          || Character.getType(cp) == Character.FORMAT
          || Character.getType(cp) == Character.SURROGATE) {
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    }
    if (n > SHOWN_MAX) {
      sb.append("... (").append(n).append(" characters)");
    }
    return sb.toString();
  }

  public List<SpecError> list() {
    return List.copyOf(errors);
  }

  /** Throws a {@link SpecException} (exit 2) if there is any problem. */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }
}
