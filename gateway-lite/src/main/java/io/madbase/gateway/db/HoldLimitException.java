package io.madbase.gateway.db;

/**
 * A request that would have been held found {@code HOLD_MAX} requests held already (HTTP 503 with
 * Retry-After). Nothing of it was applied: only a request whose last try proved nothing committed,
 * or that carries an Idempotency-Key, is ever held.
 */
public final class HoldLimitException extends RuntimeException {
  private final int retries;

  public HoldLimitException(String route, int max, int retries) {
    super(
        "the "
            + route
            + " database is unavailable and "
            + max
            + " requests are held already (HOLD_MAX)");
    this.retries = retries;
  }

  public int retries() {
    return retries;
  }
}
