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

    public Fault(
        Action action,
        String target,
        String oldLeader,
        String oldRedisMaster,
        long nanos,
        Duration duration,
        int etcdDown) {
      this(action, target, oldLeader, oldRedisMaster, nanos, duration, etcdDown, false, null);
    }

    public Fault(
        Action action,
        String target,
        String oldLeader,
        String oldRedisMaster,
        long nanos,
        Duration duration,
        int etcdDown,
        boolean selfRestarting) {
      this(
          action,
          target,
          oldLeader,
          oldRedisMaster,
          nanos,
          duration,
          etcdDown,
          selfRestarting,
          null);
    }

    public Fault(
        Action action,
        String target,
        String oldLeader,
        String oldRedisMaster,
        long nanos,
        Duration duration) {
      this(action, target, oldLeader, oldRedisMaster, nanos, duration, 0);
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
    double loop = t.patroni().loopWait();
    double haproxyUp = haproxyUp(t);
    List<PhaseSpec> out = new ArrayList<>();
    switch (f.action()) {
      case CRASH_NODE, STOP_NODE, SWITCHOVER -> {
        boolean crash = f.action() == Action.CRASH_NODE;
        boolean leaderHit = f.action() == Action.SWITCHOVER || f.target().equals(f.oldLeader());
        if (!leaderHit) {
          replicaLost(out, f, t, probes, spec.postgres().synchronousMode().synchronous());
          break;
        }
        if (crash && f.selfRestarting()) {
          restartedByOrchestrator(out, f, t, probes);
          break;
        }
        // a crashed leader's key was last refreshed up to loop_wait before the crash and lives ttl
        Bound keyGone =
            crash
                ? lease(t)
                : new Bound(
                    0,
                    loop + 3,
                    "clean demotion: Patroni stops postgres, then releases the key (within loop_wait + shutdown)");
        failover(out, f, t, probes, keyGone, crash, true, 0);
        strictWaitsForAStandby(out, spec);
      }
      case FREEZE_NODE -> frozen(out, f, t, probes);
      case KILL_POSTGRES -> {
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
          writes(
              out,
              probes,
              o ->
                  o.firstEvent(
                      Event.POSTMASTER,
                      e -> e.subject().equals(f.target()) && !e.detail().equals("none")),
              writable.plus(0, haproxyUp, "HAProxy may have marked it down meanwhile"));
        }
      }
      case CRASH_REDIS_MASTER -> {
        double downAfter = t.sentinel().downAfter().toMillis() / 1000.0;
        out.add(
            new PhaseSpec(
                "master_subjectively_down",
                "a sentinel sees the master down",
                "Sentinel",
                false,
                o -> o.firstEvent(Event.SENTINEL_FLAGS, e -> e.detail().contains("s_down")),
                new Bound(downAfter, downAfter + 1, "down-after-milliseconds (+ ping period)")));
        Bound newMaster =
            new Bound(
                downAfter,
                downAfter + 3,
                "down-after, quorum vote, election and promotion of a replica");
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
      case SIGNAL_GATEWAY -> {
        // with two gateways, the listener closes only after the drain delay (HAProxy takes the
        // gateway out first)
        double drain = spec.gatewayDrainDelay().toMillis() / 1000.0;
        double grace = spec.gateway().shutdownGrace().toMillis() / 1000.0;
        out.add(
            new PhaseSpec(
                "not_ready",
                "readiness false",
                "GET /ready",
                true,
                o ->
                    o.firstEvent(
                        Event.READY,
                        e -> e.subject().equals(f.target()) && !e.detail().equals("ready")),
                new Bound(0, 0.5, "readiness turns false first thing on SIGTERM")));
        out.add(
            new PhaseSpec(
                "listener_closed",
                "new connections refused",
                "TCP connect",
                true,
                o -> o.firstEvent(Event.LISTENER_CLOSED, e -> e.subject().equals(f.target())),
                new Bound(
                    0,
                    drain + grace + 1,
                    "the listener closes once readiness is withdrawn (and the drain delay has"
                        + " passed), before in-flight requests finish")));
        out.add(
            new PhaseSpec(
                "exited",
                "process exited",
                "process table",
                true,
                o -> o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target())),
                new Bound(
                    0,
                    drain + grace + 2,
                    "in-flight requests finish within the shutdown grace (after the drain delay)")));
      }
      case SIGNAL_WORKER -> {
        out.add(
            new PhaseSpec(
                "exited",
                "worker exited",
                "process table",
                true,
                o -> o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target())),
                new Bound(0, 5, "in-flight calls finish, then the worker exits")));
        if (probes.contains("function_caller")) {
          out.add(
              new PhaseSpec(
                  "served_elsewhere",
                  "first call served by another worker after the exit",
                  "function_caller probe",
                  true,
                  o ->
                      o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target()))
                          .flatMap(
                              x ->
                                  o.firstOk(
                                      "function_caller",
                                      x,
                                      op -> !op.servedBy().equals(f.target()))),
                  new Bound(
                      0,
                      spec.workers().discoveryInterval().toMillis() / 1000.0 + 1,
                      "at worst until the next discovery refresh")));
        }
      }
      case ADD_WORKER -> {
        double interval = spec.workers().discoveryInterval().toMillis() / 1000.0;
        out.add(
            new PhaseSpec(
                "worker_started",
                "new worker healthy",
                "GET /health",
                true,
                o -> o.firstEvent(Event.WORKER_STARTED, e -> true),
                new Bound(0, 5, "JVM start of the worker")));
        if (probes.contains("function_caller")) {
          out.add(
              new PhaseSpec(
                  "worker_routed",
                  "first call routed to the new worker",
                  "function_caller probe",
                  true,
                  o ->
                      o.firstEvent(Event.WORKER_STARTED, e -> true)
                          .flatMap(
                              s ->
                                  newWorker(o)
                                      .flatMap(
                                          w ->
                                              o.firstOk(
                                                  "function_caller",
                                                  s,
                                                  op -> op.servedBy().equals(w)))),
                  new Bound(
                      0,
                      interval + 5,
                      "the gateway re-reads the worker list every discovery interval ("
                          + spec.workers().discoveryInterval().toSeconds()
                          + " s)")));
        }
      }
      case CRASH_ETCD_MEMBER -> {
        if (f.etcdDown() > spec.etcd().members() / 2) {
          quorumLost(out, f, spec, probes);
          break;
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
        writes(
            out,
            probes,
            o -> Optional.of(f.nanos()),
            new Bound(0, 3, "writes go on: Patroni keeps its key with two of three etcd members"));
      }
      case RESTART_FAULTED -> restarted(out, f, spec, probes);
      case PARTITION -> Partitioned.phases(out, f, spec, probes);
      case HEAL -> {
        // what a heal leads to is predicted with its partition (given a duration)
      }
      default -> throw new IllegalArgumentException(f.action() + " is not a fault");
    }
    return out;
  }

  /**
   * A crash that leaves etcd without a majority: nothing can be read or written in the DCS. Without
   * failsafe mode, the leader's Patroni cannot refresh its key, gives up after retry_timeout and
   * demotes postgres (Patroni's ha.py: "demoting self because DCS is not accessible and I was a
   * leader"): the stack is read-only until etcd is back. With failsafe mode, it asks every member
   * over REST instead, and as all of them answer it stays primary.
   */
  private static void quorumLost(List<PhaseSpec> out, Fault f, StackSpec spec, Set<String> probes) {
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
      writes(
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
                t.haproxy().fastinter().toMillis() / 1000.0 * t.haproxy().fall() + CHECK_TIMEOUT,
                "fall x fastinter + check timeout after /primary answers 503")));
  }

  /**
   * Members the method crashed, started again mid-method. etcd members that bring a majority back
   * let Patroni reach the DCS again: without failsafe mode a primary must come back (the old
   * leader's key outlived the outage: etcd renews leases when it elects a leader, so it usually
   * promotes itself again). A restarted postgres node rejoins as a replica.
   */
  private static void restarted(List<PhaseSpec> out, Fault f, StackSpec spec, Set<String> probes) {
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
            haproxyRoutes(
                out,
                t,
                writable,
                true,
                o -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> !e.detail().isEmpty()));
        writes(out, probes, o -> Optional.of(f.nanos()), routed);
      }
    }
    gatewaysBack(out, f, spec);
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

  /**
   * A restarted gateway is back when it is ready and, with two gateways or more, when HAProxy
   * routes to it again: a rolling restart must not signal the next one before
   * (rolling-restart-gateways waits for these with await_recovery).
   */
  private static void gatewaysBack(List<PhaseSpec> out, Fault f, StackSpec spec) {
    List<io.madbase.stack.Member> gateways =
        io.madbase.stack.Topology.local(spec).of(io.madbase.stack.Role.GATEWAY);
    FailoverTiming t = spec.timing();
    for (io.madbase.stack.Member gw : gateways) {
      String name = gw.name();
      if (!f.restarted().contains(name)) {
        continue;
      }
      Bound ready =
          new Bound(0, 30, "a JVM starts, opens its pools and its probe finds the primary");
      out.add(
          new PhaseSpec(
              "ready_" + name,
              name + " ready again",
              "GET /ready",
              true,
              o ->
                  o.firstEvent(
                      Event.READY, e -> e.subject().equals(name) && e.detail().equals("ready")),
              ready));
      if (gateways.size() >= 2) {
        double check = t.haproxy().downinter().toMillis() / 1000.0 * t.haproxy().rise();
        out.add(
            new PhaseSpec(
                "routed_" + name,
                "HAProxy routes to " + name + " again",
                "HAProxy stats",
                true,
                o ->
                    o.firstEvent(
                        Event.HAPROXY_GATEWAYS, e -> List.of(e.detail().split(" ")).contains(name)),
                ready.plus(0, check + 1, "HAProxy's check of a down server passes rise times")));
      }
    }
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
                    + " none)");
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

  /**
   * Patroni's timeout for a member's REST API when it elects a new leader (fetch_node_status,
   * timeout=2): a frozen member's key outlives its leader key, and the election waits for it
   * (measured: the new key 2.1 s after the old one went, three runs of three).
   */
  static final double FROZEN_MEMBER_WAIT = 2;

  /** timeout check 1s in the rendered haproxy.cfg */
  static final double CHECK_TIMEOUT = 1.0;

  /** A replica lost (crashed, stopped, frozen): no failover; writes simply go on. */
  private static void replicaLost(
      List<PhaseSpec> out, Fault f, FailoverTiming t, Set<String> probes) {
    replicaLost(out, f, t, probes, false);
  }

  static void replicaLost(
      List<PhaseSpec> out, Fault f, FailoverTiming t, Set<String> probes, boolean synchronous) {
    out.add(
        new PhaseSpec(
            "replica_down",
            "replica " + f.target() + " gone from HAProxy's replicas",
            "HAProxy stats",
            false,
            o -> o.firstEvent(Event.HAPROXY_REPLICAS, e -> !e.detail().contains(f.target())),
            new Bound(
                0,
                t.haproxy().fastinter().toMillis() / 1000.0 * t.haproxy().fall() + CHECK_TIMEOUT,
                "fall x fastinter + check timeout")));
    writes(out, probes, o -> Optional.of(f.nanos()), replicaLostWrites(t, synchronous));
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
   * The leader's key goes ({@code keyGone}), another node takes it and promotes itself, HAProxy
   * routes to it and the clients' writes go through again. {@code required} false: the phases may
   * not come at all (a freeze about as long as the lease).
   */
  static void failover(
      List<PhaseSpec> out,
      Fault f,
      FailoverTiming t,
      Set<String> probes,
      Bound keyGone,
      boolean keyGoneRequired,
      boolean required,
      double electionWait) {
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
        haproxyRoutes(
            out,
            t,
            writable,
            required,
            o ->
                newLeader(o, f)
                    .flatMap(n -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> e.detail().equals(n))));
    if (required) {
      writes(out, probes, o -> newKey(o, f), routed);
    }
  }

  /**
   * A crashed leader on an orchestrator that starts a crashed member again by itself (a swarm's
   * restart policy, about 2 s here): its Patroni comes back well within its lease (ttl), finds the
   * leader key still its own, and promotes the same node again after crash recovery; no other node
   * takes over. If the restart outlasts the lease, the others fail over as after a plain crash.
   * Either way, what is waited for is a primary writable again, and writes after it.
   */
  private static void restartedByOrchestrator(
      List<PhaseSpec> out, Fault f, FailoverTiming t, Set<String> probes) {
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
            lease(t)));
    Bound writable =
        new Bound(
            0,
            lease(t).max() + loop + 1,
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
        haproxyRoutes(
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
    writes(out, probes, primary, routed);
  }

  /**
   * A postgres node frozen for {@code f.duration()}, then resumed. Frozen longer than its lease, a
   * leader loses its key and the others fail over as after a crash; on resume its Patroni loop runs
   * at once (its sleep is over), finds another node holding the key, stops postgres and starts it
   * as a replica. Until that loop runs, the resumed postgres is still a primary that accepts
   * connections: the report shows that window as a split brain. A freeze shorter than the lease
   * keeps the leader: writes wait for the resume. In between, either may happen.
   */
  private static void frozen(List<PhaseSpec> out, Fault f, FailoverTiming t, Set<String> probes) {
    double d = f.duration().toMillis() / 1000.0;
    double loop = t.patroni().loopWait();
    Bound lease = lease(t);
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
      failover(out, f, t, probes, lease, true, failsOver, FROZEN_MEMBER_WAIT);
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
          new PhaseSpec(
              "back_in_cluster",
              "frozen node running again",
              "Patroni REST",
              true,
              o ->
                  resumed
                      .apply(o)
                      .flatMap(
                          r ->
                              lastRole(o, f.target(), r)
                                  .filter(x -> x.endsWith("/running"))
                                  .map(x -> r)
                                  .or(
                                      () ->
                                          o.firstEventAfter(
                                              r,
                                              Event.PATRONI_ROLE,
                                              e ->
                                                  e.subject().equals(f.target())
                                                      && e.detail().endsWith("/running")))),
              new Bound(d, d + loop + 20, "it keeps its key, or rejoins as a replica")));
      if (keepsLead) {
        writes(
            out,
            probes,
            resumed,
            new Bound(d, d + haproxyUp(t), "HAProxy routes to it again once its check passes"));
      }
    }
  }

  /**
   * {@code role} on the node after it resumed: its state at the resume when the watcher never saw
   * it change (a freeze shorter than the watcher's timeout), else the first change to it after.
   */
  static PhaseSpec backAs(
      Fault f, Function<Observed, Optional<Long>> resumed, String label, String role, Bound bound) {
    return new PhaseSpec(
        "rejoined",
        label,
        "Patroni REST",
        true,
        o ->
            resumed
                .apply(o)
                .flatMap(
                    r ->
                        lastRole(o, f.target(), r)
                            .filter(role::equals)
                            .map(x -> r)
                            .or(
                                () ->
                                    o.firstEventAfter(
                                        r,
                                        Event.PATRONI_ROLE,
                                        e ->
                                            e.subject().equals(f.target())
                                                && e.detail().equals(role)))),
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

  static Optional<Long> newKey(Observed o, Fault f) {
    return o.firstEvent(Event.LEADER_KEY_SET, e -> !e.subject().equals(f.oldLeader()));
  }

  static Optional<String> newLeader(Observed o, Fault f) {
    return o.events()
        .first(
            f.nanos(),
            e -> e.kind().equals(Event.LEADER_KEY_SET) && !e.subject().equals(f.oldLeader()))
        .map(Event::subject);
  }

  private static Optional<String> newWorker(Observed o) {
    return o.events().first(0, e -> e.kind().equals(Event.WORKER_STARTED)).map(Event::subject);
  }
}
