package io.madbase.chaos;

import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What restarting faulted members leads to (restart_faulted). */
final class Restarts {
  private Restarts() {}

  /**
   * Members the method crashed, started again mid-method. etcd members that bring a majority back
   * let Patroni reach the DCS again: without failsafe mode a primary must come back (the old
   * leader's key outlived the outage: etcd renews leases when it elects a leader, so it usually
   * promotes itself again). A restarted postgres node rejoins as a replica.
   */
  static void restarted(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    double loop = t.patroni().loopWait();
    int members = spec.etcd().members();
    boolean quorumBack = f.etcdDown() > members / 2;
    if (f.etcdDown() > 0) {
      // an etcd member answers clients only once it has published itself through raft, which
      // needs a leader: one that starts before the others retries after etcd's request timeout
      // (5 s + 2 x election timeout), so quorum can take seconds to show (measured 0.3-7.3 s)
      Bound back =
          new Bound(
              0,
              8,
              "the members start, elect a raft leader and publish themselves before answering"
                  + " (a publish that found no leader is retried after etcd's request timeout)");
      out.add(
          new PhaseSpec(
              "etcd_quorum_back",
              quorumBack ? "etcd has a leader again (quorum back)" : "etcd members back",
              "etcd status",
              true,
              o ->
                  quorumBack
                      ? o.firstEvent(Event.ETCD_LEADER, e -> true)
                      : o.firstEvent(
                          Event.ETCD_MEMBER,
                          e -> f.restarted().contains(e.subject()) && e.detail().equals("up")),
              back));
      if (quorumBack && !spec.postgres().failsafeMode()) {
        // timed from the restart, not from the quorum phase: the watcher polls etcd less often
        // than Patroni's REST, and may see the promotion first
        Bound writable =
            back.plus(
                0,
                loop + t.patroni().retryTimeout() + 2,
                "Patroni's next loop reads the cluster again; the key holder promotes (~1 s)");
        out.add(
            new PhaseSpec(
                "primary_writable_again",
                "a primary writable again",
                "Patroni REST",
                true,
                o -> o.firstEvent(Event.PATRONI_ROLE, e -> e.detail().equals("primary/running")),
                writable));
        Bound routed =
            Expectations.haproxyRoutes(
                out,
                t,
                writable,
                true,
                o -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> !e.detail().isEmpty()));
        Expectations.writes(out, probes, o -> Optional.of(f.nanos()), routed);
      }
    }
    ServiceFaults.gatewaysBack(out, f, spec);
    Set<String> postgres =
        io.madbase.stack.Topology.local(spec).of(io.madbase.stack.Role.POSTGRES).stream()
            .map(io.madbase.stack.Member::name)
            .collect(java.util.stream.Collectors.toSet());
    for (String node : f.restarted()) {
      if (!postgres.contains(node)) {
        continue;
      }
      out.add(
          new PhaseSpec(
              "rejoined_" + node,
              node + " back as a replica",
              "Patroni REST",
              true,
              o ->
                  o.firstEvent(
                      Event.PATRONI_ROLE,
                      e -> e.subject().equals(node) && e.detail().equals("replica/running")),
              new Bound(0, 15, "Patroni starts postgres, pg_rewind if needed, then it streams")));
    }
  }
}
