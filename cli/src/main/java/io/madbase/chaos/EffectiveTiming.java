package io.madbase.chaos;

import io.madbase.observe.PatroniClient;
import io.madbase.observe.StackObserver;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.Optional;

/**
 * The timing a running stack really has. Predictions come from the settings in force, and Patroni
 * may not run with what madbase rendered: 4.0.7 raises a ttl below 20 to 20 (its minimum) and
 * stores that in the DCS, so a fast-profile crash fails over in ~19 s, not ~10 s. Patroni's {@code
 * GET /config} tells.
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
    if (dcs.isEmpty()) {
      return new Result(spec, Optional.empty());
    }
    FailoverTiming.Patroni p = spec.timing().patroni();
    PatroniClient.DcsTiming d = dcs.get();
    StackSpec effective = spec;
    java.util.List<String> notes = new java.util.ArrayList<>();
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
        effective, Optional.of(String.join("; ", notes) + ": the predictions use Patroni's"));
  }
}
