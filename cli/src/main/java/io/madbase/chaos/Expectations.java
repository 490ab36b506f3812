package io.madbase.chaos;

import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   */
  public record Fault(
      Action action, String target, String oldLeader, String oldRedisMaster, long nanos) {}

  public static List<PhaseSpec> phases(Fault f, StackSpec spec, Set<String> probes) {
    FailoverTiming t = spec.timing();
    double ttl = t.patroni().ttl();
    double loop = t.patroni().loopWait();
    double downinter = t.haproxy().downinter().toMillis() / 1000.0;
    double rise = t.haproxy().rise();
    double check = 1.0; // timeout check 1s in the rendered haproxy.cfg
    double haproxyUp = downinter * rise + check;
    List<PhaseSpec> out = new ArrayList<>();
    switch (f.action()) {
      case CRASH_NODE, STOP_NODE, SWITCHOVER -> {
        boolean crash = f.action() == Action.CRASH_NODE;
        boolean leaderHit = f.action() == Action.SWITCHOVER || f.target().equals(f.oldLeader());
        if (!leaderHit) {
          // a replica lost: no failover; writes must simply go on
          out.add(
              new PhaseSpec(
                  "replica_down",
                  "replica " + f.target() + " gone from HAProxy's replicas",
                  "HAProxy stats",
                  false,
                  o -> o.firstEvent(Event.HAPROXY_REPLICAS, e -> !e.detail().contains(f.target())),
                  new Bound(
                      0,
                      t.haproxy().fastinter().toMillis() / 1000.0 * t.haproxy().fall() + check,
                      "fall x fastinter + check timeout")));
          writes(
              out,
              probes,
              o -> Optional.of(f.nanos()),
              new Bound(0, 1, "writes continue on the leader"));
          break;
        }
        // a crashed leader's key was last refreshed up to loop_wait before the crash and lives ttl
        Bound keyGone =
            crash
                ? new Bound(
                    ttl - loop,
                    ttl + 0.5,
                    "lease expiry: the key was last refreshed 0 to loop_wait before the crash and lives ttl; etcd revokes expired leases up to ~0.5 s late")
                : new Bound(
                    0,
                    loop + 3,
                    "clean demotion: Patroni stops postgres, then releases the key (within loop_wait + shutdown)");
        out.add(
            new PhaseSpec(
                "leader_key_gone",
                "leader key gone",
                "etcd watch",
                crash,
                o -> o.firstEvent(Event.LEADER_KEY_DELETED, e -> true).or(() -> newKey(o, f)),
                keyGone));
        Bound newKeyB =
            keyGone.plus(
                0,
                loop,
                "a replica takes the key on its next loop (loop_wait) or at once on the watch");
        out.add(
            new PhaseSpec(
                "new_leader_key",
                "new leader key",
                "etcd watch",
                true,
                o -> newKey(o, f),
                newKeyB));
        Bound writable = newKeyB.plus(0, 1, "promotion (pg_ctl promote), about a second");
        out.add(
            new PhaseSpec(
                "new_primary_writable",
                "new primary writable",
                "Patroni REST",
                true,
                o ->
                    newLeader(o, f)
                        .flatMap(
                            n ->
                                o.firstEvent(
                                    Event.PATRONI_ROLE,
                                    e ->
                                        e.subject().equals(n)
                                            && e.detail().equals("primary/running"))),
                writable));
        Bound routed = writable.plus(0, haproxyUp, "HAProxy: rise x downinter + check timeout");
        out.add(
            new PhaseSpec(
                "haproxy_routes",
                "HAProxy routes to it",
                "HAProxy stats",
                true,
                o ->
                    newLeader(o, f)
                        .flatMap(
                            n -> o.firstEvent(Event.HAPROXY_PRIMARY, e -> e.detail().equals(n))),
                routed));
        writes(out, probes, o -> newKey(o, f), routed);
      }
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
                    grace + 1,
                    "the listener closes once readiness is withdrawn, before in-flight requests finish")));
        out.add(
            new PhaseSpec(
                "exited",
                "process exited",
                "process table",
                true,
                o -> o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target())),
                new Bound(0, grace + 2, "in-flight requests finish within the shutdown grace")));
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
      default -> throw new IllegalArgumentException(f.action() + " is not a fault");
    }
    return out;
  }

  /** First writes through HAProxy and through the gateway, once {@code from} has happened. */
  private static void writes(
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

  private static Optional<Long> newKey(Observed o, Fault f) {
    return o.firstEvent(Event.LEADER_KEY_SET, e -> !e.subject().equals(f.oldLeader()));
  }

  private static Optional<String> newLeader(Observed o, Fault f) {
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
