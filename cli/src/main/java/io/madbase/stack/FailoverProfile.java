package io.madbase.stack;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Named failover-timing presets. Values measured on 2-core machines are in docs/running-natively.md
 * and docs/failover-timing.md and docs/failover-timing.md.
 */
public enum FailoverProfile {
  /**
   * Tuned for fast, safe failover: a crashed leader is replaced in 9-11 s. Sentinel's down-after is
   * 2000 ms because 1000 ms caused needless double failovers and lost writes on these machines
   * (docs/running-natively.md, "Redis Sentinel").
   */
  FAST(
      "fast",
      "Patroni ttl 10/loop_wait 2/retry_timeout 4, HAProxy inter 1s fastinter 500ms fall 2 rise 1, Sentinel down-after 2s",
      new FailoverTiming(
          new FailoverTiming.Patroni(10, 2, 4),
          new FailoverTiming.HaproxyChecks(
              Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1), 2, 1),
          new FailoverTiming.Sentinel(Duration.ofMillis(2000), Duration.ofSeconds(10)))),

  /** The upstream defaults, for comparison: Patroni 30/10/10, HAProxy inter 3s fall 3 rise 2. */
  PATRONI_DEFAULTS(
      "patroni-defaults",
      "Patroni ttl 30/loop_wait 10/retry_timeout 10, HAProxy inter 3s fall 3 rise 2, Sentinel down-after 30s",
      new FailoverTiming(
          new FailoverTiming.Patroni(30, 10, 10),
          new FailoverTiming.HaproxyChecks(
              Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3), 3, 2),
          new FailoverTiming.Sentinel(Duration.ofSeconds(30), Duration.ofSeconds(180))));

  private final String id;
  private final String summary;
  private final FailoverTiming timing;

  FailoverProfile(String id, String summary, FailoverTiming timing) {
    this.id = id;
    this.summary = summary;
    this.timing = timing;
  }

  public String id() {
    return id;
  }

  public String summary() {
    return summary;
  }

  public FailoverTiming timing() {
    return timing;
  }

  public static Optional<FailoverProfile> find(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
  }

  /** "fast, patroni-defaults": for messages. */
  public static String ids() {
    return Arrays.stream(values()).map(FailoverProfile::id).collect(Collectors.joining(", "));
  }
}
