package io.madbase.chaos;

/**
 * One probe operation, as it happened.
 *
 * @param probe the probe that made it (gateway_writer, haproxy_writer, ...)
 * @param seq its sequence number within the probe
 * @param intendedNanos when it was scheduled to start (latency is measured from here, so a probe
 *     held up by a slow server does not hide the wait: no coordinated omission)
 * @param endNanos when its outcome was known
 * @param outcome ok, failed, unknown (a write that may or may not have happened), not_sent
 * @param errorKind for failures: connection_refused, timeout, read_only, http_503, ...
 * @param retries how many times the gateway retried it (X-Gateway-Retries), 0 elsewhere
 * @param servedBy which node, worker or replica served it, when the probe can tell
 */
public record Op(
    String probe,
    long seq,
    long intendedNanos,
    long endNanos,
    Outcome outcome,
    String errorKind,
    String detail,
    int retries,
    String servedBy) {

  /** How an operation ended. */
  public enum Outcome {
    OK,
    FAILED,
    /** A write whose fate is unknown: sent, then the connection broke before the answer. */
    UNKNOWN,
    /** Could not be sent at its time: the probe's backlog was full. */
    NOT_SENT
  }

  public long latencyNanos() {
    return endNanos - intendedNanos;
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }
}
