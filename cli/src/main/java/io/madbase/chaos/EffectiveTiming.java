package io.madbase.chaos;

import io.madbase.observe.PatroniClient;
import io.madbase.observe.StackObserver;
import io.madbase.stack.DataSafety;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.Optional;

/**
 * The timing and data-safety settings a running stack really has. Predictions come from the
 * settings in force, and the stack may not run with what madbase rendered: Patroni 4.0.7 raises a
 * ttl below 20 to 20 (its minimum) and stores that in the DCS, so a fast-profile crash fails over
 * in ~19 s, not ~10 s; an operator may have turned synchronous replication on with {@code PATCH
 * /config}, or changed Redis's min-replicas-to-write with {@code CONFIG SET}. Patroni's {@code GET
 * /config} and Redis's {@code CONFIG GET} tell.
 */
public final class EffectiveTiming {
  private EffectiveTiming() {}

  /** {@code spec} with Patroni's DCS timing as the cluster reports it, and why it differs. */
  public record Result(StackSpec spec, Optional<String> note) {}

  public static Result of(StackSpec spec, Topology topology, StackObserver obs) {
    Optional<PatroniClient.DcsTiming> dcs =
        obs.leader()
            .map(obs::patroni)
            .flatMap(PatroniClient::dcsTiming)
            .or(
                () ->
                    topology.of(Role.POSTGRES).stream()
                        .map(obs::patroni)
                        .map(PatroniClient::dcsTiming)
                        .flatMap(Optional::stream)
                        .findFirst());
    StackSpec effective = spec;
    java.util.List<String> notes = new java.util.ArrayList<>();
    // data safety first: what Patroni and Redis run with decides what a fault may lose
    DataSafety wanted = DataSafety.of(spec);
    StackObserver.DataSafetyView seen = obs.dataSafety();
    DataSafety running = seen.value();
    if (!running.equals(wanted)) {
      effective = running.applyTo(effective);
      if (running.synchronousMode() != wanted.synchronousMode()
          || running.maximumLagOnFailover() != wanted.maximumLagOnFailover()) {
        notes.add(
            "Patroni runs with "
                + running.describePostgres()
                + " ("
                + seen.postgresSource()
                + "), not madbase.yaml's "
                + wanted.describePostgres());
      }
      if (running.minReplicasToWrite() != wanted.minReplicasToWrite()
          || !running.minReplicasMaxLag().equals(wanted.minReplicasMaxLag())) {
        notes.add(
            running.describeRedis()
                + " ("
                + seen.redisSource()
                + "), not madbase.yaml's "
                + wanted.describeRedis().replaceFirst("^Redis ", ""));
      }
    }
    if (dcs.isEmpty()) {
      return notes.isEmpty()
          ? new Result(spec, Optional.empty())
          : new Result(
              effective, Optional.of(String.join("; ", notes) + ": the predictions use these"));
    }
    FailoverTiming.Patroni p = spec.timing().patroni();
    PatroniClient.DcsTiming d = dcs.get();
    if (d.ttl() != p.ttl()
        || d.loopWait() != p.loopWait()
        || d.retryTimeout() != p.retryTimeout()) {
      effective = effective.withPatroniTiming(d.ttl(), d.loopWait(), d.retryTimeout());
      notes.add(
          String.format(
              "Patroni runs with ttl %d / loop_wait %d / retry_timeout %d (its GET /config), not"
                  + " madbase.yaml's %d / %d / %d%s",
              d.ttl(),
              d.loopWait(),
              d.retryTimeout(),
              p.ttl(),
              p.loopWait(),
              p.retryTimeout(),
              d.ttl() == 20 && p.ttl() < 20 ? " (it raised ttl to its minimum, 20)" : ""));
    }
    if (d.failsafeMode() != spec.postgres().failsafeMode()) {
      effective = effective.withFailsafeMode(d.failsafeMode());
      notes.add(
          "Patroni runs with failsafe_mode "
              + (d.failsafeMode() ? "on" : "off")
              + " (its GET /config), not madbase.yaml's "
              + (spec.postgres().failsafeMode() ? "on" : "off"));
    }
    if (notes.isEmpty()) {
      return new Result(spec, Optional.empty());
    }
    return new Result(
        effective, Optional.of(String.join("; ", notes) + ": the predictions use these"));
  }
}
