package io.madbase.driver;

import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.util.List;

/**
 * Runs a stack and acts on its members. Scenarios only ever see this interface, never which driver
 * runs them (DESIGN.md, "Two ways to run it").
 */
public interface StackDriver extends AutoCloseable {
  /** "local" or "docker". */
  String name();

  StackSpec spec();

  Topology topology();

  /**
   * Starts whatever is not running and waits until the whole stack is healthy. On a stack that is
   * already up it changes nothing.
   */
  UpResult up(Progress progress);

  /** Stops every member it started, in a safe order; {@code purge} also removes the data. */
  void down(boolean purge, Progress progress);

  /** Observes the running stack's members from their own sources. */
  io.madbase.observe.StackObserver observer();

  /** The stack's passwords. */
  io.madbase.stack.Secrets secrets();

  /** Every member with its process. */
  List<NodeInfo> nodes();

  /** Sends {@code signal} to a member's main process (Patroni for a postgres node). */
  void signal(String member, Signal signal);

  /**
   * A crash of the whole member: for a postgres node, Patroni, the postmaster and every child
   * together (SIGKILL); for others, SIGKILL of the process.
   */
  void crash(String member);

  /**
   * The member hangs, as a stalled VM or a long pause would make it: SIGSTOP to every process of it
   * at once (for a postgres node: Patroni, the postmaster and every child). Its sockets stay open
   * and its ports keep accepting connections (the kernel completes handshakes), but nothing
   * answers. Returns the processes it stopped.
   */
  List<Long> freeze(String member);

  /** SIGCONT to every process of a frozen member: it resumes where it stopped. */
  void thaw(String member);

  /** SIGKILL (or {@code signal}) to a postgres node's postmaster only; Patroni restarts it. */
  void signalPostgres(String member, Signal signal);

  /** A clean stop: SIGTERM, then SIGKILL after {@code grace}. */
  void stop(String member, Duration grace);

  /** Starts one member again (after a crash or stop). */
  void start(String member, Progress progress);

  /** Waits until the postgres cluster is whole again: one leader, every other node streaming. */
  void awaitPostgresHealthy(Duration deadline, Progress progress);

  /** Starts a worker beyond the spec's count and adds it to the gateway's discovery list. */
  String addWorker(Progress progress);

  /** Stops a worker added by {@link #addWorker} and takes it off the discovery list. */
  void removeWorker(String name);

  /** Where a member's log ends now: pass it to {@link #logSince} to read what comes after. */
  long logOffset(String member);

  /** What a member wrote to its log after {@code offset} (from {@link #logOffset}). */
  java.util.List<String> logSince(String member, long offset);

  @Override
  void close();

  /**
   * What {@link #up} did.
   *
   * @param started the members it started (empty when the stack was already up)
   * @param took how long it took until healthy
   */
  record UpResult(List<String> started, Duration took) {
    public boolean changedNothing() {
      return started.isEmpty();
    }
  }
}
