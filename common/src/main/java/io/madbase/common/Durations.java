package io.madbase.common;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in env files, flags, madbase.yaml and scenario files: {@code 500ms}, {@code
 * 2s}, {@code 1m}, {@code 1h}. One spelling for the whole of madbase (the CLI uses this class too).
 */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");
  public static final String EXPECTED = "a duration such as 500ms, 2s, 1m or 1h";

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        });
  }

  /** The shortest exact spelling: {@code 1500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms > 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms > 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
