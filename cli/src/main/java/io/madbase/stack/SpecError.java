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

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (!field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(message).toString();
  }
}
