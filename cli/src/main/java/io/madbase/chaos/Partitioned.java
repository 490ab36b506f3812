package io.madbase.chaos;

import io.madbase.stack.DataSafety;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a partition leads to, each phase from its own source, with the window the settings in force
 * predict (docs/failover-timing.md, "Partitions"). A partition drops what either side sends toward
 * the other (or, one way, what one side sends): the side that opens a connection decides whether a
 * one-way cut breaks it (Patroni and Sentinel open theirs toward etcd and the master; a replica
 * opens its stream toward the primary). madbase's own watchers are not cut, so the timeline keeps
 * seeing the cut-off member from its own REST API and port.
 */
final class Partitioned {
  private Partitioned() {}

  static void phases(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    Topology topology = Topology.local(spec);
    Optional<Role> role = PartitionGroups.targetRole(topology, f.target());
    Expectations.Fault.Cut cut =
        f.cut() == null ? new Expectations.Fault.Cut(List.of("everyone"), "both") : f.cut();
    Set<Role> from = PartitionGroups.roles(topology, cut.from());
    String dir = cut.direction() == null ? "both" : cut.direction();
    // what the target sends to them is cut (its own connections to them break) ...
    boolean targetToThem = !dir.equals("incoming");
    // ... and what they send to it (connections they open toward it)
    boolean themToTarget = !dir.equals("outgoing");
    if (role.isEmpty()) {
      return;
    }
    switch (role.get()) {
      case POSTGRES -> {
        boolean leader = f.target().equals("leader") || f.target().equals(f.oldLeader());
        if (leader) {
          leader(out, f, spec, probes, from, targetToThem, themToTarget);
        } else {
          PostgresFaults.replicaLost(
              out, f, spec.timing(), probes, spec.postgres().synchronousMode().synchronous());
          out.removeIf(p -> p.id().equals("replica_down"));
        }
      }
      case REDIS -> {
        boolean master = f.target().equals("redis_master") || f.target().equals(f.oldRedisMaster());
        if (master && from.contains(Role.SENTINEL) && themToTarget) {
          redisMaster(out, f, spec, probes, from.contains(Role.REDIS) && themToTarget);
        }
      }
      case ETCD -> {
        if (from.contains(Role.ETCD)) {
          etcdLeader(out, f, spec, probes);
        }
      }
      default -> {
        // a gateway, HAProxy, a worker or a Sentinel cut off: no failover to predict
      }
    }
  }

  /**
   * The Patroni leader cut off. Cut from etcd, it cannot refresh its key: its next loop (within
   * loop_wait) tries etcd for retry_timeout, then it demotes itself ("demoting self because DCS is
   * not accessible"), unless failsafe mode keeps it primary because it still reaches every other
   * member's REST API. Its key expires ttl after its last refresh, and another node takes over,
   * asking the cut-off node for its WAL position first (a connect timeout when they cannot reach
   * it). Whatever it acknowledged between the cut and its demotion is lost unless replication is
   * synchronous: then those commits wait for a standby it cannot reach, and end held or of unknown
   * outcome.
   */
  private static void leader(
      List<PhaseSpec> out,
      Expectations.Fault f,
      StackSpec spec,
      Set<String> probes,
      Set<Role> from,
      boolean targetToThem,
      boolean themToTarget) {
    FailoverTiming t = spec.timing();
    double loop = t.patroni().loopWait();
    double retry = t.patroni().retryTimeout();
    boolean dcsCut = from.contains(Role.ETCD) && targetToThem;
    if (!dcsCut) {
      // cut from the replicas only: it keeps its key; replication stops
      Expectations.writes(
          out,
          probes,
          o -> Optional.of(f.nanos()),
          spec.postgres().synchronousMode().synchronous()
              ? new Bound(
                  0,
                  loop + 2,
                  "it keeps its key; commits wait for a standby until Patroni names none (on) or"
                      + " for good (strict, or while the standby it waits for is cut off)")
              : new Bound(0, 1, "it keeps its key and takes writes; the replicas fall behind"));
      return;
    }
    boolean reachesMembers = !(from.contains(Role.POSTGRES) && targetToThem);
    if (spec.postgres().failsafeMode() && reachesMembers) {
      out.add(
          new PhaseSpec(
              "leader_key_gone",
              "leader key gone (it cannot refresh it)",
              "etcd watch",
              false,
              o -> o.firstEvent(Event.LEADER_KEY_DELETED, e -> true),
              Expectations.lease(t)));
      Expectations.writes(
          out,
          probes,
          o -> Optional.of(f.nanos()),
          new Bound(
              0,
              1,
              "failsafe_mode: it reaches every member's REST API and stays primary; the others"
                  + " see it through its failsafe pings and take no key"));
      return;
    }
    Bound demoted =
        new Bound(
            retry,
            loop + 2 * retry,
            "its next loop (loop_wait) fails to reach etcd for retry_timeout (a request already"
                + " waiting at the cut may take another), then Patroni demotes postgres"
                + (spec.postgres().failsafeMode()
                    ? " (failsafe_mode: it cannot reach every member)"
                    : ""));
    out.add(
        new PhaseSpec(
            "primary_demoted",
            "cut-off primary demotes itself",
            "its Patroni log (else its REST API)",
            true,
            o ->
                o.firstEvent(
                        Event.MEMBER_LOG,
                        e ->
                            e.subject().equals(f.oldLeader())
                                && MemberLogs.DEMOTION.stream().anyMatch(e.detail()::contains))
                    .or(
                        () ->
                            o.firstEvent(
                                Event.PATRONI_ROLE,
                                e ->
                                    e.subject().equals(f.oldLeader())
                                        && !e.detail().equals("primary/running")
                                        && !e.detail().equals("unreachable"))),
            demoted));
    boolean electionWaits = from.contains(Role.POSTGRES) && themToTarget;
    PostgresFaults.failover(
        out,
        f,
        t,
        probes,
        new PostgresFaults.Failover(
            Expectations.lease(t),
            true,
            true,
            electionWaits ? PostgresFaults.FROZEN_MEMBER_WAIT : 0));
    Expectations.strictWaitsForAStandby(out, spec);
    if (f.duration() != null) {
      double d = f.duration().toMillis() / 1000.0;
      Function<Observed, Optional<Long>> healed = o -> o.firstEvent(Event.HEALED, e -> true);
      out.add(
          PostgresFaults.backAs(
              f,
              healed,
              "old primary back as a replica after the heal",
              "replica/running",
              new Bound(
                  d,
                  d + loop + 30,
                  "it reaches the new leader again, rewinds (pg_rewind) and restarts as a"
                      + " replica")));
    }
  }

  /**
   * The Redis master cut off from the Sentinels (and its replicas): after down-after the Sentinels
   * agree it is down and promote a replica. The master itself goes on accepting writes from any
   * client that still reaches it. With min-replicas-to-write it refuses them (NOREPLICAS) once no
   * replica has acknowledged for min-replicas-max-lag, and the client asks the Sentinels again;
   * without it, it takes writes until the heal, when the Sentinels turn it into a replica of the
   * new master and its data is replaced.
   */
  private static void redisMaster(
      List<PhaseSpec> out,
      Expectations.Fault f,
      StackSpec spec,
      Set<String> probes,
      boolean replicasCut) {
    FailoverTiming t = spec.timing();
    Bound newMaster = RedisFaults.masterDown(out, t);
    Function<Observed, Optional<Long>> promoted =
        o ->
            o.firstEvent(
                Event.SENTINEL_MASTER,
                e -> !e.detail().equals(f.oldRedisMaster()) && !e.detail().equals("unreachable"));
    out.add(
        new PhaseSpec(
            "new_redis_master",
            "sentinels name a new master",
            "Sentinel",
            true,
            promoted,
            newMaster));
    if (!probes.contains("redis_writer")) {
      return;
    }
    DataSafety ds = DataSafety.of(spec);
    if (ds.redisRefusesWithoutReplicas() && replicasCut) {
      double lag = ds.minReplicasMaxLag().toSeconds();
      Bound refuses =
          new Bound(
              Math.max(0, lag - 1),
              lag + 2,
              "no replica acknowledged for min-replicas-max-lag ("
                  + ds.minReplicasMaxLag().toSeconds()
                  + " s; replicas acknowledge every second)");
      Function<Observed, Optional<Long>> refused =
          o -> o.firstFailed("redis_writer", f.nanos(), op -> op.detail().startsWith("NOREPLICAS"));
      out.add(
          new PhaseSpec(
              "old_master_refuses",
              "cut-off master refuses writes (NOREPLICAS)",
              "redis_writer probe",
              true,
              refused,
              refuses));
      out.add(
          new PhaseSpec(
              "first_redis_write",
              "first Redis write on the new master",
              "redis_writer probe",
              true,
              o ->
                  refused
                      .apply(o)
                      .flatMap(
                          r ->
                              promoted
                                  .apply(o)
                                  .flatMap(
                                      p -> o.firstOk("redis_writer", Math.max(r, p), op -> true))),
              new Bound(
                  Math.min(refuses.min(), newMaster.min()),
                  Math.max(refuses.max(), newMaster.max()) + 2,
                  "the client asks the Sentinels again after the refusal")));
    } else if (f.duration() != null) {
      // it never refuses: the client keeps writing to it until the Sentinels turn it into a
      // replica after the heal (and disconnect its clients), then finds the new master
      double d = f.duration().toMillis() / 1000.0;
      out.add(
          new PhaseSpec(
              "first_redis_write",
              "first Redis write on the new master",
              "redis_writer probe",
              true,
              o ->
                  o.firstOk(
                      "redis_writer",
                      f.nanos(),
                      op -> !op.servedBy().isEmpty() && !op.servedBy().equals(f.oldRedisMaster())),
              new Bound(
                  d,
                  d + 15,
                  "after the heal the Sentinels make it a replica of the new master and drop its"
                      + " clients; the client asks them again")));
    }
  }

  /**
   * The etcd raft leader cut off from the other members: they elect a leader among themselves
   * (election timeout, 1 s), and it steps down when it misses a quorum. Patroni's etcd client talks
   * to another member after a failed request; writes go on unless that takes retry_timeout.
   */
  private static void etcdLeader(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {
    out.add(
        new PhaseSpec(
            "etcd_leader",
            "etcd has a leader among the others",
            "etcd status",
            true,
            o -> o.firstEvent(Event.ETCD_LEADER, e -> !e.subject().equals(f.target())),
            new Bound(0, 3, "raft election timeout (1 s) plus a vote")));
    FailoverTiming t = spec.timing();
    Expectations.writes(
        out,
        probes,
        o -> Optional.of(f.nanos()),
        new Bound(
            0,
            t.patroni().loopWait() + t.patroni().retryTimeout(),
            "Patroni keeps its key through the other members; a request to the cut-off one is"
                + " retried elsewhere within retry_timeout"));
  }
}
