package io.madbase.stack;

/**
 * One problem in an input file, located: {@code madbase.yaml:12:5: failover.patroni.ttl: ...}.
 *
 * @param file the file as the user named it
 * @param line 1-based line, or 0 when the problem has no place in the file
 * @param column 1-based column, or 0
 * @param field dotted path of the field ({@code failover.patroni.ttl}), or empty for the document
 */
public record SpecError(String file, int line, int column, String field, String message) {

  /** Text from the file shown as text: a control character in it is escaped, never obeyed. */
  private static String safe(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(safe(file));
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (!field.isEmpty()) {
      sb.append(safe(Problems.shown(field))).append(": ");
    }
    return sb.append(safe(message)).toString();
  }
}
