package io.madbase.driver;

import io.madbase.observe.StackObserver;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stack's lifecycle: bring it up, take it down, say which members run and where madbase reaches
 * them. One implementation per driver ({@code local}: native processes on loopback; {@code docker}:
 * containers through the Docker Engine API); its faults come from {@link #faults()}. Scenarios,
 * probes and commands only ever see these two interfaces, never which driver runs them (DESIGN.md,
 * "Two ways to run it").
 */
public interface StackLifecycle extends AutoCloseable {
  /** "local" or "docker". */
  String name();

  StackSpec spec();

  /** The members, their addresses inside the stack, and where madbase reaches their ports. */
  Topology topology();

  /** Where this stack keeps its state (configs, secrets, the record of what runs). */
  Path stateDir();

  /**
   * Starts whatever is not running and waits until the whole stack is healthy. On a stack that is
   * already up it changes nothing.
   */
  UpResult up(Progress progress);

  /** Stops every member it started, in a safe order; {@code purge} also removes the data. */
  void down(boolean purge, Progress progress);

  /** Observes the running stack's members from their own sources. */
  StackObserver observer();

  /** The stack's passwords. */
  Secrets secrets();

  /** Every member with its process (or container), also workers added at run time. */
  List<NodeInfo> nodes();

  /** Starts one member again (after a crash or stop); a running member is left alone. */
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
  List<String> logSince(String member, long offset);

  /** Where to read a member's whole log, for messages ("logs: ..."). */
  String logHint(String member);

  /** The environment a gateway member runs with (its rendered env file; holds a password). */
  Map<String, String> gatewayEnv(String member);

  /** The faults this driver can inject into the stack. */
  FaultInjector faults();

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
