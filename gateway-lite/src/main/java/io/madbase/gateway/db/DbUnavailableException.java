package io.madbase.gateway.db;

import java.time.Duration;

/** The hold deadline ran out before the database answered (HTTP 503 with Retry-After). */
public final class DbUnavailableException extends RuntimeException {
  private final int retries;
  private final Duration held;

  public DbUnavailableException(String route, int retries, Duration held, Throwable last) {
    super(
        "the "
            + route
            + " database did not answer within "
            + held.toMillis()
            + " ms ("
            + retries
            + " retries): "
            + io.madbase.common.Masking.mask(String.valueOf(last.getMessage())),
        last);
    this.retries = retries;
    this.held = held;
  }

  public int retries() {
    return retries;
  }

  public Duration held() {
    return held;
  }
}
