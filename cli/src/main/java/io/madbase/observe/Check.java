package io.madbase.observe;

/**
 * The outcome of one health check, with what was seen (for progress lines, timeouts and status).
 *
 * @param name what is checked ("patroni")
 * @param ok whether it holds
 * @param seen what the last look showed, in a line
 */
public record Check(String name, boolean ok, String seen) {
  public static Check pass(String name, String seen) {
    return new Check(name, true, seen);
  }

  public static Check fail(String name, String seen) {
    return new Check(name, false, seen);
  }
}
