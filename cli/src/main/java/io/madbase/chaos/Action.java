package io.madbase.chaos;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What a method step can do, and which of a step's fields each action uses. */
public enum Action {
  /** The leader's (or a named) postgres node crashes: Patroni, postmaster and children, SIGKILL. */
  CRASH_NODE("crash_node", Set.of("target"), "leader"),
  /** Patroni on the node stops cleanly (SIGTERM): it demotes and releases the leader key. */
  STOP_NODE("stop_node", Set.of("target"), "leader"),
  /** A planned switchover through Patroni's REST API. */
  SWITCHOVER("switchover", Set.of("candidate"), null),
  /**
   * A postgres node hangs for {@code duration}, then resumes: SIGSTOP to Patroni, the postmaster
   * and every child at once, SIGCONT after the duration (a stalled VM, a long pause, a frozen
   * disk).
   */
  FREEZE_NODE("freeze_node", Set.of("target", "duration"), "leader"),
  /** Only the postmaster is killed; Patroni restarts it on the same node (no failover). */
  KILL_POSTGRES("kill_postgres", Set.of("target", "signal"), "leader"),
  /** The Redis master crashes (SIGKILL); Sentinel fails over. */
  CRASH_REDIS_MASTER("crash_redis_master", Set.of(), null),
  /** A signal to a gateway (default gw1, SIGTERM): graceful shutdown. */
  SIGNAL_GATEWAY("signal_gateway", Set.of("target", "signal"), "gw1"),
  /** A signal to a worker (default w1, SIGTERM). */
  SIGNAL_WORKER("signal_worker", Set.of("target", "signal"), "w1"),
  /** A new worker starts and joins the discovery list. */
  ADD_WORKER("add_worker", Set.of(), null),
  /** One etcd member crashes (default: the etcd leader); two of three keep quorum. */
  CRASH_ETCD_MEMBER("crash_etcd_member", Set.of("target"), "leader"),
  /**
   * Starts every member the method crashed or stopped so far, while the method goes on (an etcd
   * majority back after an outage, say); the rollback's restart_faulted does it at the end.
   */
  RESTART_FAULTED("restart_faulted", Set.of(), null),
  /**
   * Cuts a member (default: the leader) off from others on the network ({@code from}: groups such
   * as etcd, postgres, redis, sentinels, haproxy, gateways, everyone, or member names), both ways
   * or one ({@code direction}); healed after {@code duration} when given, else by a heal step or
   * the rollback.
   */
  PARTITION("partition", Set.of("target", "from", "direction", "duration"), "leader"),
  /**
   * Caps the bandwidth of what a member (default: the leader) sends to others ({@code to}: groups
   * or member names; default the other members of its kind, such as the replicas its replication
   * stream feeds) at {@code rate} (64kbit, 1mbit): a slow link, not a broken one. Healed after
   * {@code duration} when given, else by a heal step or the rollback.
   */
  THROTTLE("throttle", Set.of("target", "to", "rate", "duration"), "leader"),
  /** Heals every partition and bandwidth cap now. */
  HEAL("heal", Set.of(), null),
  /** Does nothing for {@code duration}, probes running. */
  SLEEP("sleep", Set.of("duration"), null),
  /** Waits until every phase the faults so far lead to has been observed, up to {@code timeout}. */
  AWAIT_RECOVERY("await_recovery", Set.of("timeout"), null);

  private final String id;
  private final Set<String> fields;
  private final String defaultTarget;

  Action(String id, Set<String> fields, String defaultTarget) {
    this.id = id;
    this.fields = fields;
    this.defaultTarget = defaultTarget;
  }

  public String id() {
    return id;
  }

  /** The step fields this action reads (besides {@code action}). */
  public Set<String> fields() {
    return fields;
  }

  public String defaultTarget() {
    return defaultTarget;
  }

  public boolean isFault() {
    return this != SLEEP && this != AWAIT_RECOVERY;
  }

  public static Optional<Action> find(String id) {
    return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
  }

  public static String ids() {
    return Arrays.stream(values()).map(Action::id).collect(Collectors.joining(", "));
  }
}
