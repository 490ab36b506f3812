package io.madbase.stack;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A password that never prints itself: {@link #toString()} is {@code <masked>}, so a secret that
 * reaches a log line, an exception message or a status dump stays hidden. Only {@link #reveal()}
 * gives the value, for the config file that needs it.
 */
public final class Secret {
  public static final String MASK = io.madbase.common.Masking.MASK;
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  @JsonCreator
  public static Secret of(String value) {
    return new Secret(value);
  }

  /**
   * A new random password of 32 characters from an alphabet that needs no quoting in YAML, URLs,
   * libpq connection strings or shell (about 186 bits).
   */
  public static Secret generate() {
    StringBuilder sb = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return new Secret(sb.toString());
  }

  /** The value itself, for the one place that must write it (a 0600 config file). */
  @JsonValue
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
