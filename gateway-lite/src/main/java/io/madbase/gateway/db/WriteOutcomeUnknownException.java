package io.madbase.gateway.db;

/**
 * The connection died after a write was sent and before its result came back: it may or may not
 * have committed. Never retried behind the client's back (HTTP 504, {@code write_outcome_unknown}).
 * Also a commit the primary made whose wait for its synchronous standby was cancelled ({@link
 * UnreplicatedCommit}): it may exist on the primary only.
 */
public final class WriteOutcomeUnknownException extends RuntimeException {
  private final int retries;

  public WriteOutcomeUnknownException(int retries, Throwable cause) {
    super(
        "the connection to the primary was lost after the write was sent; it may or may not have been applied: "
            // pgjdbc's messages end in a full stop; the 504's body goes on after this one
            + io.madbase.common.Masking.mask(String.valueOf(cause.getMessage()))
                .replaceAll("\\.+$", ""),
        cause);
    this.retries = retries;
  }

  /** A write whose outcome is unknown for another reason than a lost connection, said in full. */
  public WriteOutcomeUnknownException(int retries, String message, Throwable cause) {
    super(io.madbase.common.Masking.mask(message), cause);
    this.retries = retries;
  }

  public int retries() {
    return retries;
  }
}
