package io.madbase.stack;

import io.madbase.common.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * The settings that decide whether a fault can lose acknowledged writes: Patroni's synchronous
 * replication and the lag a promoted replica may have, Redis's refusal to write without replicas.
 * madbase renders them, reads them back from the running stack, and predicts from what it read.
 *
 * @param maximumLagOnFailover bytes of WAL a replica may be behind and still be promoted
 * @param minReplicasToWrite Redis's min-replicas-to-write (0: never refuses a write)
 * @param minReplicasMaxLag Redis's min-replicas-max-lag
 */
public record DataSafety(
    SynchronousMode synchronousMode,
    long maximumLagOnFailover,
    int minReplicasToWrite,
    Duration minReplicasMaxLag) {

  /** What {@code spec} asks for. */
  public static DataSafety of(StackSpec spec) {
    return new DataSafety(
        spec.postgres().synchronousMode(),
        spec.postgres().maximumLagOnFailover(),
        spec.redis().minReplicasToWrite(),
        spec.redis().minReplicasMaxLag());
  }

  /** {@code spec} with these settings in place of its own. */
  public StackSpec applyTo(StackSpec spec) {
    var pg = spec.postgres();
    var r = spec.redis();
    return spec.withPostgres(
            new StackSpec.Postgres(
                pg.nodes(),
                pg.port(),
                pg.restPort(),
                pg.maxConnections(),
                pg.sharedBuffers(),
                synchronousMode,
                pg.failsafeMode(),
                maximumLagOnFailover))
        .withRedis(
            new StackSpec.Redis(
                r.nodes(), r.port(), r.masterName(), minReplicasToWrite, minReplicasMaxLag));
  }

  /** Whether a Redis master refuses writes when it has too few replicas. */
  public boolean redisRefusesWithoutReplicas() {
    return minReplicasToWrite > 0;
  }

  /** "synchronous_mode off, maximum_lag_on_failover 1048576 B; Redis min-replicas-to-write 0". */
  public String describe() {
    return describePostgres() + "; " + describeRedis();
  }

  public String describePostgres() {
    return String.format(
        Locale.ROOT,
        "synchronous_mode %s, maximum_lag_on_failover %d B",
        synchronousMode,
        maximumLagOnFailover);
  }

  public String describeRedis() {
    return "Redis min-replicas-to-write "
        + minReplicasToWrite
        + (minReplicasToWrite > 0
            ? " (max lag " + Durations.format(minReplicasMaxLag) + ")"
            : " (never refuses)");
  }
}
