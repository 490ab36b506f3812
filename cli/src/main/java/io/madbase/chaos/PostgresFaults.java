package io.madbase.chaos;

import io.madbase.common.Durations;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a fault on a PostgreSQL node leads to: a lost replica, a failover (crash, clean stop,
 * switchover), a frozen leader, a killed postmaster, and the old leader back as a replica.
 */
final class PostgresFaults {
  private PostgresFaults() {}

  /** A replica lost (crashed, stopped, frozen): no failover; writes simply go on. */
  static void replicaLost(
      List<PhaseSpec> out, Expectations.Fault f, FailoverTiming t, Set<String> probes) {
    replicaLost(out, f, t, probes, false);
  }

  static void replicaLost(
      List<PhaseSpec> out,
      Expectations.Fault f,
      FailoverTiming t,
      Set<String> probes,
      boolean synchronous) {
    out.add(
        new PhaseSpec(
            "replica_down",
            "replica " + f.target() + " gone from HAProxy's replicas",
            "HAProxy stats",
            false,
            o -> o.firstEvent(Event.HAPROXY_REPLICAS, e -> !e.detail().contains(f.target())),
            new Bound(
                0,
                t.haproxy().fastinter().toMillis() / 1000.0 * t.haproxy().fall()
                    + Expectations.CHECK_TIMEOUT,
                "fall x fastinter + check timeout")));
    Expectations.writes(
        out, probes, o -> Optional.of(f.nanos()), replicaLostWrites(t, synchronous));
  }

  /**
   * Writes after a replica is lost: they go on; with synchronous replication a commit waits until
   * Patroni names another synchronous standby on its next loop, if the lost one was it.
   */
  static Bound replicaLostWrites(FailoverTiming t, boolean synchronous) {
    return synchronous
        ? new Bound(
            0,
            t.patroni().loopWait() + 2,
            "writes continue; if it was the synchronous standby, commits wait until Patroni names"
                + " another on its next loop (loop_wait)")
        : new Bound(0, 1, "writes continue on the leader");
  }

  /**
   * How a failover goes.
   *
   * @param keyGone when the old leader's key goes
   * @param keyGoneRequired false: the key may be taken over without being seen gone (a crash)
   * @param required false: the phases may not come at all (a freeze about as long as the lease)
   * @param electionWait seconds the election waits for a member that does not answer (0: none)
   */
  record Failover(Bound keyGone, boolean keyGoneRequired, boolean required, double electionWait) {}

  /**
   * The leader's key goes, another node takes it and promotes itself, HAProxy routes to it and the
   * clients' writes go through again.
   */
  static void failover(
      List<PhaseSpec> out,
      Expectations.Fault f,
      FailoverTiming t,
      Set<String> probes,
      Failover how) {
    Bound keyGone = how.keyGone();
    boolean keyGoneRequired = how.keyGoneRequired();
    boolean required = how.required();
    double electionWait = how.electionWait();
    double loop = t.patroni().loopWait();
    out.add(
        new PhaseSpec(
            "leader_key_gone",
            "leader key gone",
            "etcd watch",
            keyGoneRequired && required,
            o -> o.firstEvent(Event.LEADER_KEY_DELETED, e -> true).or(() -> newKey(o, f)),
            keyGone));
    Bound newKeyB =
        keyGone.plus(
            0,
            loop + electionWait,
            electionWait == 0
                ? "a replica takes the key on its next loop (loop_wait) or at once on the watch"
                : "a replica takes the key on its next loop (loop_wait), after asking every member"
                    + " for its WAL position: a frozen or cut-off one does not answer, and Patroni"
                    + " waits "
                    + FROZEN_MEMBER_WAIT
                    + " s for it");
    out.add(
        new PhaseSpec(
            "new_leader_key",
            "new leader key",
            "etcd watch",
            required,
            o -> newKey(o, f),
            newKeyB));
    Bound writable = newKeyB.plus(0, 1, "promotion (pg_ctl promote), about a second");
    out.add(
        new PhaseSpec(
            "new_primary_writable",
            "new primary writable",
            "Patroni REST",
            required,
            o ->
                newLeader(o, f)
                    .flatMap(
                        n ->
                            o.firstEvent(
                                Event.PATRONI_ROLE,
                                e ->
                                    e.subject().equals(n) && e.detail().equals("primary/running"))),
            writable));
    Bound routed =
        Expectations.haproxyRoutes(
            out,
            t,
            writable,
            required,
            o ->
                newLeader(o, f)
                    .flatMap(n -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> e.detail().equals(n))));
    if (required) {
      Expectations.writes(out, probes, o -> newKey(o, f), routed);
    }
  }

  /**
   * A crashed leader on an orchestrator that starts a crashed member again by itself (a swarm's
   * restart policy, about 2 s here): its Patroni comes back well within its lease (ttl), finds the
   * leader key still its own, and promotes the same node again after crash recovery; no other node
   * takes over. If the restart outlasts the lease, the others fail over as after a plain crash.
   * Either way, what is waited for is a primary writable again, and writes after it.
   */
  static void restartedByOrchestrator(
      List<PhaseSpec> out, Expectations.Fault f, FailoverTiming t, Set<String> probes) {
    double loop = t.patroni().loopWait();
    Bound restarted =
        new Bound(
            1,
            10,
            "the orchestrator's restart delay (1 s), a new container, and Patroni starting"
                + " postgres in crash recovery (6.4-7.2 s measured on a single-node swarm)");
    out.add(
        new PhaseSpec(
            "node_restarted",
            "postgres started again on the crashed node (orchestrator)",
            "process table",
            false,
            o ->
                o.firstEvent(
                    Event.POSTMASTER,
                    e -> e.subject().equals(f.target()) && !e.detail().equals("none")),
            restarted));
    out.add(
        new PhaseSpec(
            "leader_key_gone",
            "leader key gone (only if the restart outlasts the lease)",
            "etcd watch",
            false,
            o -> o.firstEvent(Event.LEADER_KEY_DELETED, e -> true),
            Expectations.lease(t)));
    Bound writable =
        new Bound(
            0,
            Expectations.lease(t).max() + loop + 1,
            "back on the same node after crash recovery (its key outlives the restart), or a"
                + " failover once the lease expires");
    Function<Observed, Optional<Long>> primary =
        o ->
            o.firstEvent(
                Event.PATRONI_ROLE,
                e -> e.detail().equals("primary/running") && e.nanos() > f.nanos());
    out.add(
        new PhaseSpec(
            "primary_writable_again",
            "a primary writable again",
            "Patroni REST",
            true,
            primary,
            writable));
    Bound routed =
        Expectations.haproxyRoutes(
            out,
            t,
            writable,
            true,
            o ->
                primary
                    .apply(o)
                    .flatMap(
                        at ->
                            o.firstEventAfter(at, Event.HAPROXY_PRIMARY, e -> !e.detail().isEmpty())
                                .or(() -> Optional.of(at))));
    Expectations.writes(out, probes, primary, routed);
  }

  /**
   * A postgres node frozen for {@code f.duration()}, then resumed. Frozen longer than its lease, a
   * leader loses its key and the others fail over as after a crash; on resume its Patroni loop runs
   * at once (its sleep is over), finds another node holding the key, stops postgres and starts it
   * as a replica. Until that loop runs, the resumed postgres is still a primary that accepts
   * connections: the report shows that window as a split brain. A freeze shorter than the lease
   * keeps the leader: writes wait for the resume. In between, either may happen.
   */
  static void frozen(
      List<PhaseSpec> out, Expectations.Fault f, FailoverTiming t, Set<String> probes) {
    double d = f.duration().toMillis() / 1000.0;
    double loop = t.patroni().loopWait();
    Bound lease = Expectations.lease(t);
    Function<Observed, Optional<Long>> resumed =
        o -> o.firstEvent(Event.THAWED, e -> e.subject().equals(f.target()));
    PhaseSpec resumedPhase =
        new PhaseSpec(
            "node_resumed",
            "frozen node resumed",
            "madbase",
            true,
            resumed,
            new Bound(d, d + 0.5, "the freeze lasts " + Durations.format(f.duration())));
    if (!f.target().equals(f.oldLeader())) {
      replicaLost(out, f, t, probes);
      out.add(resumedPhase);
      out.add(
          backAs(
              f,
              resumed,
              "frozen replica running again",
              "replica/running",
              new Bound(d, d + loop + 3, "it picks up streaming where it stopped")));
      return;
    }
    boolean failsOver = d > lease.max() + 1;
    boolean keepsLead = d < lease.min() - 0.5;
    if (!keepsLead) {
      failover(out, f, t, probes, new Failover(lease, true, failsOver, FROZEN_MEMBER_WAIT));
    }
    out.add(resumedPhase);
    if (failsOver) {
      out.add(
          new PhaseSpec(
              "old_primary_demoting",
              "old primary stops being a primary",
              "Patroni REST",
              true,
              o ->
                  resumed
                      .apply(o)
                      .flatMap(
                          r ->
                              o.firstEventAfter(
                                  r,
                                  Event.PATRONI_ROLE,
                                  e ->
                                      e.subject().equals(f.target())
                                          && !e.detail().equals("primary/running")
                                          && !e.detail().equals("unreachable"))),
              new Bound(
                  d,
                  d + loop + 2,
                  "on resume Patroni's loop runs at once, sees another node holding the key and stops postgres")));
      out.add(
          backAs(
              f,
              resumed,
              "old primary back as a replica",
              "replica/running",
              new Bound(
                  d,
                  d + loop + 20,
                  "postgres restarted as a replica of the new primary (pg_rewind first if its WAL went further)")));
    } else {
      out.add(
          backAs(
              "back_in_cluster",
              f,
              resumed,
              "frozen node running again",
              role -> role.endsWith("/running"),
              new Bound(d, d + loop + 20, "it keeps its key, or rejoins as a replica")));
      if (keepsLead) {
        Expectations.writes(
            out,
            probes,
            resumed,
            new Bound(
                d,
                d + Expectations.haproxyUp(t),
                "HAProxy routes to it again once its check passes"));
      }
    }
  }

  /**
   * {@code role} on the node after it resumed: its state at the resume when the watcher never saw
   * it change (a freeze shorter than the watcher's timeout), else the first change to it after.
   */
  static PhaseSpec backAs(
      Expectations.Fault f,
      Function<Observed, Optional<Long>> resumed,
      String label,
      String role,
      Bound bound) {
    return backAs("rejoined", f, resumed, label, role::equals, bound);
  }

  /** The same, phase {@code id}, for any role {@code matches} accepts. */
  static PhaseSpec backAs(
      String id,
      Expectations.Fault f,
      Function<Observed, Optional<Long>> resumed,
      String label,
      java.util.function.Predicate<String> matches,
      Bound bound) {
    return new PhaseSpec(
        id,
        label,
        "Patroni REST",
        true,
        o ->
            resumed
                .apply(o)
                .flatMap(
                    r ->
                        lastRole(o, f.target(), r)
                            .filter(matches)
                            .map(x -> r)
                            .or(
                                () ->
                                    o.firstEventAfter(
                                        r,
                                        Event.PATRONI_ROLE,
                                        e ->
                                            e.subject().equals(f.target())
                                                && matches.test(e.detail())))),
        bound);
  }

  /** The last role the Patroni watcher saw on {@code node} before {@code at}. */
  static Optional<String> lastRole(Observed o, String node, long at) {
    return o.events().all().stream()
        .filter(
            e -> e.nanos() <= at && e.kind().equals(Event.PATRONI_ROLE) && e.subject().equals(node))
        .reduce((a, b) -> b)
        .map(Event::detail);
  }

  static Optional<Long> newKey(Observed o, Expectations.Fault f) {
    return o.firstEvent(Event.LEADER_KEY_SET, e -> !e.subject().equals(f.oldLeader()));
  }

  static Optional<String> newLeader(Observed o, Expectations.Fault f) {
    return o.events()
        .first(
            f.nanos(),
            e -> e.kind().equals(Event.LEADER_KEY_SET) && !e.subject().equals(f.oldLeader()))
        .map(Event::subject);
  }

  /**
   * Patroni's timeout for a member's REST API when it elects a new leader (fetch_node_status,
   * timeout=2): a frozen member's key outlives its leader key, and the election waits for it
   * (measured: the new key 2.1 s after the old one went, three runs of three).
   */
  static final double FROZEN_MEMBER_WAIT = 2;

  /**
   * A postgres node crashed or stopped, or a switchover: a replica lost, the leader lost (a
   * failover), or a crashed leader a swarm restarts.
   */
  static void nodeLost(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    double loop = t.patroni().loopWait();

    boolean crash = f.action() == Action.CRASH_NODE;
    boolean leaderHit = f.action() == Action.SWITCHOVER || f.target().equals(f.oldLeader());
    if (!leaderHit) {
      replicaLost(out, f, t, probes, spec.postgres().synchronousMode().synchronous());
      return;
    }
    if (crash && f.selfRestarting()) {
      restartedByOrchestrator(out, f, t, probes);
      return;
    }
    // a crashed leader's key was last refreshed up to loop_wait before the crash and lives ttl
    Bound keyGone =
        crash
            ? Expectations.lease(t)
            : new Bound(
                0,
                loop + 3,
                "clean demotion: Patroni stops postgres, then releases the key (within loop_wait + shutdown)");
    failover(out, f, t, probes, new Failover(keyGone, crash, true, 0));
    Expectations.strictWaitsForAStandby(out, spec);
  }

  /** The postmaster killed under a living Patroni: restarted on the same node, no failover. */
  static void postgresKilled(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    double loop = t.patroni().loopWait();
    double haproxyUp = Expectations.haproxyUp(t);

    out.add(
        new PhaseSpec(
            "postgres_restarted",
            "postgres restarted by Patroni",
            "process table",
            true,
            o ->
                o.firstEvent(
                    Event.POSTMASTER,
                    e -> e.subject().equals(f.target()) && !e.detail().equals("none")),
            new Bound(
                0,
                loop + 2,
                "Patroni notices on its next loop (loop_wait) and starts postgres (~1-2 s)")));
    if (f.target().equals(f.oldLeader())) {
      Bound writable = new Bound(0, loop + 4, "restart plus crash recovery");
      out.add(
          new PhaseSpec(
              "primary_writable_again",
              "primary writable again",
              "Patroni REST",
              true,
              o ->
                  o.firstEvent(
                          Event.POSTMASTER,
                          e -> e.subject().equals(f.target()) && !e.detail().equals("none"))
                      .flatMap(
                          r ->
                              o.firstEventAfter(
                                      r,
                                      Event.PATRONI_ROLE,
                                      e ->
                                          e.subject().equals(f.target())
                                              && e.detail().equals("primary/running"))
                                  .or(() -> Optional.of(r))),
              writable));
      Expectations.writes(
          out,
          probes,
          o ->
              o.firstEvent(
                  Event.POSTMASTER,
                  e -> e.subject().equals(f.target()) && !e.detail().equals("none")),
          writable.plus(0, haproxyUp, "HAProxy may have marked it down meanwhile"));
    }
  }
}
