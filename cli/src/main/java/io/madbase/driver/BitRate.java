package io.madbase.driver;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link's bandwidth in bits per second, written as tc and Chaos Mesh write it: {@code 64kbit},
 * {@code 1mbit}, {@code 10mbit}, {@code 1gbit} (k, m and g are powers of 1000).
 */
public record BitRate(long bitsPerSecond) {
  /** Below this a TCP connection's own keepalives and acknowledgements fill the link. */
  public static final BitRate MIN = new BitRate(8_000);

  /** Above this nothing on one machine is slowed down (loopback and a veth both run faster). */
  public static final BitRate MAX = new BitRate(10_000_000_000L);

  private static final Pattern FORM =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(bit|kbit|mbit|gbit)", Pattern.CASE_INSENSITIVE);

  public BitRate {
    if (bitsPerSecond <= 0) {
      throw new IllegalArgumentException("a bandwidth must be more than zero");
    }
  }

  /**
   * Reads {@code 64kbit}, {@code 1.5mbit} and the like.
   *
   * @throws IllegalArgumentException naming the forms it takes
   */
  public static BitRate parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a bandwidth: write it as 64kbit, 1mbit, 10mbit or 1gbit");
    }
    double n = Double.parseDouble(m.group(1));
    long scale =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "kbit" -> 1_000L;
          case "mbit" -> 1_000_000L;
          case "gbit" -> 1_000_000_000L;
          default -> 1L;
        };
    long bits = Math.round(n * scale);
    if (bits <= 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a bandwidth: it must be above zero");
    }
    return new BitRate(bits);
  }

  /** Bytes a second. */
  public double bytesPerSecond() {
    return bitsPerSecond / 8.0;
  }

  /** As tc takes it: {@code 64000bit}. */
  public String tc() {
    return bitsPerSecond + "bit";
  }

  /** The shortest exact form: 64kbit, 1.5mbit, 10mbit. */
  @Override
  public String toString() {
    for (var unit :
        new Object[][] {{1_000_000_000L, "gbit"}, {1_000_000L, "mbit"}, {1_000L, "kbit"}}) {
      long scale = (Long) unit[0];
      if (bitsPerSecond >= scale) {
        return java.math.BigDecimal.valueOf(bitsPerSecond)
                .divide(java.math.BigDecimal.valueOf(scale))
                .stripTrailingZeros()
                .toPlainString()
            + unit[1];
      }
    }
    return bitsPerSecond + "bit";
  }
}
