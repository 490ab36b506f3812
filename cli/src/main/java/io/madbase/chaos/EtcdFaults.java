package io.madbase.chaos;

import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a crashed etcd member leads to: a new raft leader among the others, or, with the majority
 * gone, a read-only stack until it is back.
 */
final class EtcdFaults {
  private EtcdFaults() {}

  /**
   * A crash that leaves etcd without a majority: nothing can be read or written in the DCS. Without
   * failsafe mode, the leader's Patroni cannot refresh its key, gives up after retry_timeout and
   * demotes postgres (Patroni's ha.py: "demoting self because DCS is not accessible and I was a
   * leader"): the stack is read-only until etcd is back. With failsafe mode, it asks every member
   * over REST instead, and as all of them answer it stays primary.
   */
  static void quorumLost(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    double loop = t.patroni().loopWait();
    double retry = t.patroni().retryTimeout();
    out.add(
        new PhaseSpec(
            "etcd_no_leader",
            "etcd without a leader (quorum lost)",
            "etcd status",
            false,
            o -> o.firstEvent(Event.ETCD_NO_LEADER, e -> true),
            new Bound(
                0, 3, "the survivor's raft election timeout (1 s) passes without a majority")));
    if (spec.postgres().failsafeMode()) {
      Expectations.writes(
          out,
          probes,
          o -> Optional.of(f.nanos()),
          new Bound(
              0,
              loop + retry,
              "failsafe_mode: the leader reaches every member's REST API and stays primary"));
      return;
    }
    Bound demoted =
        new Bound(
            0,
            loop + retry + 2,
            "the leader's next loop (loop_wait) fails to reach etcd for retry_timeout, then"
                + " Patroni demotes postgres (failsafe_mode off)");
    out.add(
        new PhaseSpec(
            "primary_demoted",
            "primary demoted: DCS not accessible",
            "Patroni REST",
            true,
            o ->
                o.firstEvent(
                    Event.PATRONI_ROLE,
                    e -> e.subject().equals(f.oldLeader()) && !e.detail().startsWith("primary/")),
            demoted));
    out.add(
        new PhaseSpec(
            "haproxy_no_primary",
            "HAProxy has no primary",
            "HAProxy stats",
            false,
            o -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> e.detail().isEmpty()),
            demoted.plus(
                0,
                t.haproxy().fastinter().toMillis() / 1000.0 * t.haproxy().fall()
                    + Expectations.CHECK_TIMEOUT,
                "fall x fastinter + check timeout after /primary answers 503")));
  }

  /**
   * An etcd member crashed: the others keep quorum and a leader (or, a majority lost, quorumLost).
   */
  static void memberCrashed(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {

    if (f.etcdDown() > spec.etcd().members() / 2) {
      quorumLost(out, f, spec, probes);
      return;
    }
    out.add(
        new PhaseSpec(
            "member_down",
            "etcd member " + f.target() + " down",
            "etcd status",
            true,
            o ->
                o.firstEvent(
                    Event.ETCD_MEMBER,
                    e -> e.subject().equals(f.target()) && e.detail().equals("down")),
            new Bound(0, 0.5, "SIGKILL is immediate")));
    out.add(
        new PhaseSpec(
            "etcd_leader",
            "etcd has a leader among the others",
            "etcd status",
            false,
            o -> o.firstEvent(Event.ETCD_LEADER, e -> !e.subject().equals(f.target())),
            new Bound(0, 3, "raft election timeout (1 s) plus a vote")));
    Expectations.writes(
        out,
        probes,
        o -> Optional.of(f.nanos()),
        new Bound(0, 3, "writes go on: Patroni keeps its key with two of three etcd members"));
  }
}
