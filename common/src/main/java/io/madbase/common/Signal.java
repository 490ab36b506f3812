package io.madbase.common;

/** The signals madbase sends, by name (as {@code kill -s} spells them). */
public enum Signal {
  TERM,
  KILL,
  INT,
  HUP,
  STOP,
  CONT;

  /** Whether the process ends on it (TERM, KILL, INT): HUP, STOP and CONT leave it there. */
  public boolean ends() {
    return this == TERM || this == KILL || this == INT;
  }

  /** Parses TERM, SIGTERM, term. */
  public static Signal parse(String text) {
    String t = text.toUpperCase(java.util.Locale.ROOT);
    return valueOf(t.startsWith("SIG") ? t.substring(3) : t);
  }
}
