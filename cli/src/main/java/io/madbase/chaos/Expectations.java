package io.madbase.chaos;

import io.madbase.common.Durations;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The phases each fault leads to, each recognised from its own source, with the window the stack's
 * settings predict for it. docs/failover-timing.md explains every bound.
 */
public final class Expectations {
  private Expectations() {}

  /**
   * A fault as injected.
   *
   * @param target the member it hit (resolved: pg2, r1, gw1, e3)
   * @param oldLeader the Patroni leader at the time
   * @param oldRedisMaster the Redis master (member name) at the time
   * @param duration for freeze_node: how long the node stays frozen (null for other faults)
   * @param etcdDown etcd members down: after a crash_etcd_member, with it; before a
   *     restart_faulted, the ones it restarts among them
   * @param cut for partition: what the target was cut off from (null for other faults)
   */
  public record Fault(
      Action action,
      String target,
      String oldLeader,
      String oldRedisMaster,
      long nanos,
      Duration duration,
      int etcdDown,
      boolean selfRestarting,
      Cut cut) {
    public Fault(
        Action action, String target, String oldLeader, String oldRedisMaster, long nanos) {
      this(action, target, oldLeader, oldRedisMaster, nanos, null, 0, false, null);
    }

    /** The same fault, lasting {@code d} (a freeze, a partition with a duration). */
    public Fault withDuration(Duration d) {
      return new Fault(
          action, target, oldLeader, oldRedisMaster, nanos, d, etcdDown, selfRestarting, cut);
    }

    /** The same fault, with {@code n} etcd members down (crash_etcd_member, restart_faulted). */
    public Fault withEtcdDown(int n) {
      return new Fault(
          action, target, oldLeader, oldRedisMaster, nanos, duration, n, selfRestarting, cut);
    }

    /**
     * A partition as the step wrote it.
     *
     * @param from groups (etcd, postgres, ...) or member names
     * @param direction both, outgoing or incoming
     */
    public record Cut(List<String> from, String direction) {
      public boolean both() {
        return direction == null || direction.equals("both");
      }
    }

    /** The members a restart_faulted step restarted (its target lists them). */
    public List<String> restarted() {
      return target.isBlank() ? List.of() : List.of(target.split(" "));
    }
  }

  public static List<PhaseSpec> phases(Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    List<PhaseSpec> out = new ArrayList<>();
    switch (f.action()) {
      case CRASH_NODE, STOP_NODE, SWITCHOVER -> PostgresFaults.nodeLost(out, f, spec, probes);
      case FREEZE_NODE -> PostgresFaults.frozen(out, f, t, probes);
      case KILL_POSTGRES -> PostgresFaults.postgresKilled(out, f, spec, probes);
      case CRASH_REDIS_MASTER -> RedisFaults.masterCrashed(out, f, spec, probes);
      case SIGNAL_GATEWAY -> ServiceFaults.gatewaySignalled(out, f, spec, probes);
      case SIGNAL_WORKER -> ServiceFaults.workerSignalled(out, f, spec, probes);
      case ADD_WORKER -> ServiceFaults.workerAdded(out, f, spec, probes);
      case CRASH_ETCD_MEMBER -> EtcdFaults.memberCrashed(out, f, spec, probes);
      case RESTART_FAULTED -> Restarts.restarted(out, f, spec, probes);
      case PARTITION -> Partitioned.phases(out, f, spec, probes);
      case HEAL -> {
        // what a heal leads to is predicted with its partition (given a duration)
      }
      case THROTTLE -> {
        // a slow link fails nothing by itself: what it costs shows in the probes' latencies and,
        // when a later step fails the leader over, in that failover's ledger
      }
      default -> throw new IllegalArgumentException(f.action() + " is not a fault");
    }
    return out;
  }

  /**
   * With synchronous_mode strict a new primary takes no write until a standby streams from it and
   * Patroni names it synchronous: the first writes after a failover wait that much longer.
   */
  static void strictWaitsForAStandby(List<PhaseSpec> out, StackSpec spec) {
    if (spec.postgres().synchronousMode() != io.madbase.stack.SynchronousMode.STRICT) {
      return;
    }
    double extra = spec.timing().patroni().loopWait() + 4;
    out.replaceAll(
        p ->
            p.id().startsWith("first_write_")
                ? new PhaseSpec(
                    p.id(),
                    p.label(),
                    p.source(),
                    p.required(),
                    p.find(),
                    p.predicted()
                        .plus(
                            0,
                            extra,
                            "synchronous_mode strict: the new primary takes writes once a standby"
                                + " streams from it and Patroni names it synchronous"))
                : p);
  }

  /**
   * Which acknowledged writes a fault puts at risk on these settings, when it puts any: said in the
   * dry run and in the report, beside what the ledger found.
   */
  public static Optional<String> writesAtRisk(Fault f, StackSpec spec) {
    FailoverTiming t = spec.timing();
    io.madbase.stack.DataSafety ds = io.madbase.stack.DataSafety.of(spec);
    boolean sync = ds.synchronousMode().synchronous();
    boolean leaderHit = f.target().equals("leader") || f.target().equals(f.oldLeader());
    switch (f.action()) {
      case CRASH_NODE -> {
        if (!leaderHit) {
          return Optional.empty();
        }
        return Optional.of(
            sync
                ? "PostgreSQL: none (synchronous_mode "
                    + ds.synchronousMode()
                    + ": every acknowledged commit is on the synchronous standby, the only node"
                    + " Patroni promotes)"
                : "PostgreSQL: what the leader acknowledged and had not streamed yet when it"
                    + " crashed (asynchronous replication's window: under a second of writes, often"
                    + " none, unless a slow link kept the replicas further behind)");
      }
      case THROTTLE -> {
        Optional<io.madbase.stack.Role> role =
            PartitionGroups.targetRole(Topology.local(spec), f.target());
        if (role.equals(Optional.of(io.madbase.stack.Role.POSTGRES)) && leaderHit) {
          return Optional.of(
              sync
                  ? "PostgreSQL: none (synchronous_mode "
                      + ds.synchronousMode()
                      + ": each commit waits until the synchronous standby has it, so the slow"
                      + " link shows as slower commits, not as replicas behind)"
                  : "PostgreSQL: none while the leader lives; what it writes beyond the cap piles"
                      + " up as replication lag, and a failover before the replicas catch up loses"
                      + " that much (asynchronous replication). A replica more than"
                      + " maximum_lag_on_failover ("
                      + ds.maximumLagOnFailover()
                      + " B) behind is not promoted: when every one is, no failover comes and"
                      + " writes wait for the old leader");
        }
        if (role.equals(Optional.of(io.madbase.stack.Role.REDIS))) {
          return Optional.of(
              "Redis: none while the master lives; a failover while its replicas are behind"
                  + " loses what they had not received");
        }
        return Optional.empty();
      }
      case CRASH_REDIS_MASTER -> {
        return Optional.of(
            "Redis: what the master acknowledged and had not replicated yet when it crashed"
                + " (asynchronous replication's window)");
      }
      case PARTITION -> {
        Topology topology = Topology.local(spec);
        Optional<io.madbase.stack.Role> role = PartitionGroups.targetRole(topology, f.target());
        Fault.Cut cut = f.cut() == null ? new Fault.Cut(List.of("everyone"), "both") : f.cut();
        Set<io.madbase.stack.Role> from = PartitionGroups.roles(topology, cut.from());
        String dir = cut.direction() == null ? "both" : cut.direction();
        if (role.equals(Optional.of(io.madbase.stack.Role.POSTGRES))
            && leaderHit
            && from.contains(io.madbase.stack.Role.ETCD)
            && !dir.equals("incoming")) {
          boolean kept =
              spec.postgres().failsafeMode()
                  && !(from.contains(io.madbase.stack.Role.POSTGRES) && !dir.equals("incoming"));
          if (kept) {
            return Optional.of(
                "PostgreSQL: none (failsafe_mode keeps the cut-off leader primary, and no other"
                    + " node is promoted)");
          }
          double demotes = t.patroni().loopWait() + 2 * t.patroni().retryTimeout();
          // a replica's stream is a connection it opens toward the primary: cut when what they
          // send to it is dropped
          boolean replicasCut =
              from.contains(io.madbase.stack.Role.POSTGRES) && !dir.equals("outgoing");
          if (!replicasCut) {
            return Optional.of(
                "PostgreSQL: what it acknowledged and had not streamed yet when it demoted itself:"
                    + " the replicas still receive its WAL, so usually nothing");
          }
          return Optional.of(
              sync
                  ? "PostgreSQL: none (synchronous_mode "
                      + ds.synchronousMode()
                      + ": the cut-off primary's commits wait for a standby it cannot reach; they"
                      + " end held, refused or of unknown outcome, never acknowledged)"
                  : String.format(
                      java.util.Locale.ROOT,
                      "PostgreSQL: every write the cut-off primary acknowledges until it demotes"
                          + " itself (up to %.0f s after the cut: loop_wait + 2 x retry_timeout), lost"
                          + " when it rejoins as a replica (asynchronous replication;"
                          + " synchronous_mode on makes those commits wait instead)",
                      demotes));
        }
        if (role.equals(Optional.of(io.madbase.stack.Role.REDIS))
            && (f.target().equals("redis_master") || f.target().equals(f.oldRedisMaster()))
            && from.contains(io.madbase.stack.Role.SENTINEL)
            && !dir.equals("outgoing")) {
          if (ds.redisRefusesWithoutReplicas() && from.contains(io.madbase.stack.Role.REDIS)) {
            return Optional.of(
                "Redis: what the cut-off master acknowledges until it refuses writes without"
                    + " replicas: up to min-replicas-max-lag ("
                    + ds.minReplicasMaxLag().toSeconds()
                    + " s) + 1 s after the cut");
          }
          return Optional.of(
              "Redis: every write the cut-off master acknowledges from the cut until the Sentinels"
                  + " turn it into a replica after the heal"
                  + (f.duration() == null ? "" : " (" + f.duration().toSeconds() + " s and some)")
                  + "; redis.min_replicas_to_write 1 bounds it by min_replicas_max_lag");
        }
        return Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /**
   * When the gateway's hold deadline is shorter than a crashed leader can keep writes waiting on
   * these settings (the latest predicted first write through the gateway after kill-primary), what
   * that means: held writes fail with 503 before the new primary takes them. Empty when it covers a
   * crash failover.
   */
  public static Optional<String> holdShortfall(StackSpec spec) {
    Fault crash = new Fault(Action.CRASH_NODE, "leader", "leader", "", 0);
    double worst =
        phases(crash, spec, Set.of("gateway_writer")).stream()
            .filter(p -> p.id().equals("first_write_gateway"))
            .mapToDouble(p -> p.predicted().max())
            .max()
            .orElse(0);
    double hold = spec.gateway().holdDeadline().toMillis() / 1000.0;
    if (hold >= worst) {
      return Optional.empty();
    }
    FailoverTiming.Patroni p = spec.timing().patroni();
    return Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "gateway.hold_deadline (%s) is shorter than a crashed leader can keep writes waiting"
                + " with Patroni ttl %d / loop_wait %d (up to %.1f s): writes held longer fail with"
                + " 503 db_unavailable; gateway.hold_deadline: %ds covers it",
            Durations.format(spec.gateway().holdDeadline()),
            p.ttl(),
            p.loopWait(),
            worst,
            (int) Math.ceil(worst) + 1));
  }

  /** A lost leader's key expires between ttl - loop_wait and ttl after its last refresh. */
  static Bound lease(FailoverTiming t) {
    return new Bound(
        t.patroni().ttl() - t.patroni().loopWait(),
        t.patroni().ttl() + 0.5,
        "lease expiry: the key was last refreshed 0 to loop_wait before the fault and lives ttl; etcd revokes expired leases up to ~0.5 s late");
  }

  /** rise x downinter + check timeout: how long HAProxy takes to route to a node that passes. */
  static double haproxyUp(FailoverTiming t) {
    return t.haproxy().downinter().toMillis() / 1000.0 * t.haproxy().rise() + CHECK_TIMEOUT;
  }

  /** timeout check 1s in the rendered haproxy.cfg */
  static final double CHECK_TIMEOUT = 1.0;

  /** HAProxy routing to a primary that became writable within {@code writable}. */
  static Bound haproxyRoutes(
      List<PhaseSpec> out,
      FailoverTiming t,
      Bound writable,
      boolean required,
      Function<Observed, Optional<Long>> find) {
    Bound routed = writable.plus(0, haproxyUp(t), "HAProxy: rise x downinter + check timeout");
    out.add(
        new PhaseSpec(
            "haproxy_routes", "HAProxy routes to it", "HAProxy stats", required, find, routed));
    return routed;
  }

  /** First writes through HAProxy and through the gateway, once {@code from} has happened. */
  static void writes(
      List<PhaseSpec> out,
      Set<String> probes,
      java.util.function.Function<Observed, Optional<Long>> from,
      Bound after) {
    if (probes.contains("haproxy_writer")) {
      out.add(
          new PhaseSpec(
              "first_write_haproxy",
              "first write through HAProxy",
              "haproxy_writer probe",
              true,
              o -> from.apply(o).flatMap(n -> o.firstOk("haproxy_writer", n, op -> true)),
              after.plus(0, 2, "the client reconnects (connect timeout) on its next write")));
    }
    if (probes.contains("gateway_writer")) {
      out.add(
          new PhaseSpec(
              "first_write_gateway",
              "first write through the gateway",
              "gateway_writer probe",
              true,
              o -> from.apply(o).flatMap(n -> o.firstOk("gateway_writer", n, op -> true)),
              after.plus(
                  0, 2, "a held request is retried with backoff (at most ~1 s between tries)")));
    }
  }
}
