package io.madbase.stack;

import java.time.Duration;

/** The failover timing in force for a stack: a profile with its overrides applied. */
public record FailoverTiming(Patroni patroni, HaproxyChecks haproxy, Sentinel sentinel) {

  /**
   * Patroni's DCS settings in seconds. Patroni requires {@code loop_wait + 2*retry_timeout <= ttl}.
   */
  public record Patroni(int ttl, int loopWait, int retryTimeout) {}

  /** HAProxy {@code default-server} check timing. */
  public record HaproxyChecks(
      Duration inter, Duration fastinter, Duration downinter, int fall, int rise) {}

  /** Sentinel's {@code down-after-milliseconds} and {@code failover-timeout}. */
  public record Sentinel(Duration downAfter, Duration failoverTimeout) {}
}
