package io.madbase.driver;

import io.madbase.common.Signal;
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
   * Cuts members off from others on the network, until {@link #heal}: what either side sends toward
   * the other is dropped (a connect times out, an open connection goes silent). madbase's own
   * probes and watchers are not members and keep reaching both sides. Several cuts add up.
   *
   * @return what it did, for the timeline
   */
  String partition(Cut cut);

  /**
   * Caps the bandwidth of what a member sends to others, until {@link #heal}: a slow link, not a
   * broken one. Packets over the cap wait in a queue and are dropped only when it is full, so a
   * connection slows down instead of failing. One cap per stack at a time.
   *
   * @return what it did, for the timeline
   */
  String throttle(Throttle throttle);

  /**
   * Removes every partition and bandwidth cap of this stack; answers what it removed ("" when there
   * was none).
   */
  String heal();

  /**
   * Partitions and bandwidth caps a killed run may have left: a description of each, empty when
   * there are none. {@link #heal} removes them.
   */
  List<String> leftoverPartitions();

  /**
   * One bandwidth cap.
   *
   * @param member the member whose traffic is slowed (the leader, for its replication stream)
   * @param to the members it sends to over the slow link
   * @param rate the cap
   */
  record Throttle(String member, List<String> to, BitRate rate) {
    public Throttle {
      to = List.copyOf(to);
    }

    /** "what pg1 sends to pg2 pg3 capped at 64kbit". */
    public String describe() {
      return "what " + member + " sends to " + String.join(" ", to) + " capped at " + rate;
    }
  }

  /**
   * One cut.
   *
   * @param members the members cut off (one, usually)
   * @param from the members they are cut off from
   * @param direction both ways, or only what {@code members} send ({@code OUTGOING}: they cannot
   *     reach {@code from}), or only what {@code from} sends ({@code INCOMING})
   */
  record Cut(List<String> members, List<String> from, Direction direction) {
    public Cut {
      members = List.copyOf(members);
      from = List.copyOf(from);
    }

    /** "pg1 from e1 e2 e3 pg2 pg3 (both ways)". */
    public String describe() {
      return String.join(" ", members)
          + " from "
          + String.join(" ", from)
          + switch (direction) {
            case BOTH -> " (both ways)";
            case OUTGOING -> " (only what " + String.join(" ", members) + " sends)";
            case INCOMING -> " (only what they send to " + String.join(" ", members) + ")";
          };
    }
  }

  /** Which way a cut drops traffic, seen from the members cut off. */
  enum Direction {
    BOTH("both"),
    OUTGOING("outgoing"),
    INCOMING("incoming");

    private final String id;

    Direction(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static java.util.Optional<Direction> find(String id) {
      return java.util.Arrays.stream(values()).filter(d -> d.id.equals(id)).findFirst();
    }
  }

  /**
   * What {@link #freeze} stopped.
   *
   * @param how in the driver's terms, for the timeline
   * @param pids the host processes that are stopped now (empty when the driver cannot tell)
   */
  record Frozen(String how, List<Long> pids) {}
}
