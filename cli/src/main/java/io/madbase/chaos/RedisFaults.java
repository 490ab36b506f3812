package io.madbase.chaos;

import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.List;
import java.util.Set;

/**
 * What a crashed Redis master leads to: the Sentinels agree it is down and promote a replica; the
 * client follows.
 */
final class RedisFaults {
  private RedisFaults() {}

  /** The Redis master crashed: the Sentinels agree it is down and promote a replica. */
  static void masterCrashed(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    Bound newMaster = masterDown(out, spec.timing());
    out.add(
        new PhaseSpec(
            "new_redis_master",
            "sentinels name a new master",
            "Sentinel",
            true,
            o ->
                o.firstEvent(
                    Event.SENTINEL_MASTER,
                    e ->
                        !e.detail().equals(f.oldRedisMaster())
                            && !e.detail().equals("unreachable")),
            newMaster));
    if (probes.contains("redis_writer")) {
      out.add(
          new PhaseSpec(
              "first_redis_write",
              "first Redis write after failover",
              "redis_writer probe",
              true,
              o ->
                  o.firstEvent(
                          Event.SENTINEL_MASTER,
                          e ->
                              !e.detail().equals(f.oldRedisMaster())
                                  && !e.detail().equals("unreachable"))
                      .flatMap(n -> o.firstOk("redis_writer", n, op -> true)),
              newMaster.plus(0, 2, "the client asks the sentinels again and reconnects")));
    }
  }

  /**
   * A sentinel sees the master down after down-after; returns when the Sentinels, having agreed,
   * should name a new one (a crash and a cut-off master alike).
   */
  static Bound masterDown(List<PhaseSpec> out, FailoverTiming t) {
    double downAfter = t.sentinel().downAfter().toMillis() / 1000.0;
    out.add(
        new PhaseSpec(
            "master_subjectively_down",
            "a sentinel sees the master down",
            "Sentinel",
            false,
            o -> o.firstEvent(Event.SENTINEL_FLAGS, e -> e.detail().contains("s_down")),
            new Bound(downAfter, downAfter + 1, "down-after-milliseconds (+ ping period)")));
    return new Bound(
        downAfter, downAfter + 3, "down-after, quorum vote, election and promotion of a replica");
  }
}
