package io.madbase.driver;

import java.time.Duration;
import java.util.List;

/**
 * Faults on the members of a running stack. Each driver has its own (native processes, or
 * containers); scenarios only ever see this interface. Every method answers with what it did, in
 * the driver's own terms, for the run's timeline ("SIGKILL of Patroni, the postmaster and every
 * child", "docker kill: the whole container").
 */
public interface FaultInjector {

  /**
   * A crash of the whole member, as a power cut would make it: for a postgres node, Patroni, the
   * postmaster and every child die together; nothing is given time to clean up.
   */
  String crash(String member);

  /** Sends {@code signal} to a member's main process (Patroni for a postgres node). */
  String signal(String member, Signal signal);

  /** {@code signal} to a postgres node's postmaster only; Patroni restarts it on the same node. */
  String signalPostgres(String member, Signal signal);

  /**
   * The member hangs, as a stalled VM or a long pause would make it: every process of it stops at
   * once. Its sockets stay open and its ports keep accepting connections (the kernel completes
   * handshakes), but nothing answers.
   */
  Frozen freeze(String member);

  /** A frozen member resumes where it stopped. */
  String thaw(String member);

  /** A clean stop: SIGTERM, then SIGKILL after {@code grace}. */
  String stop(String member, Duration grace);

  /**
   * Whether something other than madbase starts a crashed member again by itself (a swarm's restart
   * policy): its faults then lead to other phases than a plain crash.
   */
  default boolean restartsCrashedMembers() {
    return false;
  }

  /** Starts a member again after a crash or a stop; a running member is left alone. */
  String restart(String member, Progress progress);

  /**
   * What {@link #freeze} stopped.
   *
   * @param how in the driver's terms, for the timeline
   * @param pids the host processes that are stopped now (empty when the driver cannot tell)
   */
  record Frozen(String how, List<Long> pids) {}
}
