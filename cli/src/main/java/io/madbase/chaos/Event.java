package io.madbase.chaos;

/**
 * Something a watcher observed, at a time on the run's clock.
 *
 * @param nanos when, on the {@link RunClock}
 * @param source who observed it: etcd, patroni, haproxy, sentinel, process, madbase
 * @param kind what happened (see the constants)
 * @param subject which member, if any (pg2, s1, gw1)
 * @param detail the value observed
 */
public record Event(long nanos, String source, String kind, String subject, String detail) {
  public static final String FAULT = "fault";
  public static final String LEADER_KEY_DELETED = "leader_key_deleted";
  public static final String LEADER_KEY_SET = "leader_key_set";

  /** The detail of a {@link #LEADER_KEY_SET} written over another member's key: + its name. */
  public static final String OVERWRITTEN_FROM = "changed from ";

  public static final String PATRONI_ROLE = "patroni_role";
  public static final String SPLIT_BRAIN = "split_brain";

  /**
   * A replica's distance behind the leader's WAL crossed a step (64 KiB, 256 KiB, 1 MiB, ...) or
   * fell back under half of its step's start: the detail says by how many bytes.
   */
  public static final String REPLICATION_LAG = "replication_lag";

  /**
   * No node holds the leader key and every replica that answers is further behind the last leader
   * position than {@code maximum_lag_on_failover}: Patroni promotes none of them (the detail says
   * how far each is).
   */
  public static final String NO_PROMOTABLE_REPLICA = "no_promotable_replica";

  public static final String SPLIT_BRAIN_END = "split_brain_end";
  public static final String THAWED = "thawed";
  public static final String HEALED = "healed";

  /** A line of a member's own log, read after the run (a member the watchers could not ask). */
  public static final String MEMBER_LOG = "member_log";

  public static final String HAPROXY_PRIMARY = "haproxy_primary";
  public static final String HAPROXY_REPLICAS = "haproxy_replicas";

  /** The gateways UP in HAProxy's gateways listener (stacks with two gateways or more). */
  public static final String HAPROXY_GATEWAYS = "haproxy_gateways";

  public static final String SENTINEL_MASTER = "sentinel_master";
  public static final String SENTINEL_FLAGS = "sentinel_flags";
  public static final String PROCESS_EXITED = "process_exited";
  public static final String READY = "ready";
  public static final String LISTENER_CLOSED = "listener_closed";
  public static final String POSTMASTER = "postmaster";
  public static final String ETCD_MEMBER = "etcd_member";
  public static final String ETCD_LEADER = "etcd_leader";

  /** No etcd member that answers reports a leader (an election, or no majority). */
  public static final String ETCD_NO_LEADER = "etcd_no_leader";

  public static final String WORKER_STARTED = "worker_started";
  public static final String STALE_ROUTE = "stale_route";
  public static final String ROLLBACK = "rollback";
  public static final String WATCH_ERROR = "watch_error";
}
