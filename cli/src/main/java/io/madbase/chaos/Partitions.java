package io.madbase.chaos;

import io.madbase.driver.FaultInjector;
import io.madbase.driver.StackLifecycle;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions and bandwidth caps a run has made, healed when their time is up. Neither is ever
 * left behind: {@link #healAll} (a heal step, the rollback, and {@link #close}) removes every one,
 * and while any is in force a JVM shutdown hook does too, so an interrupted run (Ctrl-C) leaves no
 * rule. A run killed outright (SIGKILL) cannot: {@code madbase down} removes what it left, and
 * {@code madbase doctor} reports it. Closing twice is safe.
 */
public final class Partitions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Partitions.class);

  private final StackLifecycle driver;
  private final EventLog events;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "heal-timer");
            t.setDaemon(true);
            return t;
          });
  private final Thread hook = new Thread(this::healOnExit, "heal-on-exit");
  private ScheduledFuture<?> pending;
  private boolean active;
  private boolean hooked;
  private boolean closed;

  public Partitions(StackLifecycle driver, EventLog events) {
    this.driver = driver;
    this.events = events;
  }

  /** Makes {@code cut} now; heals every partition after {@code duration} when it is not null. */
  public synchronized String partition(FaultInjector.Cut cut, Duration duration) {
    return inForce(() -> driver.faults().partition(cut), duration);
  }

  /** Puts {@code throttle} on now; heals it (and every partition) after {@code duration}. */
  public synchronized String throttle(FaultInjector.Throttle throttle, Duration duration) {
    return inForce(() -> driver.faults().throttle(throttle), duration);
  }

  private String inForce(java.util.function.Supplier<String> fault, Duration duration) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(hook);
      hooked = true;
    }
    active = true;
    String how = fault.get();
    if (duration != null) {
      if (pending != null) {
        pending.cancel(false);
      }
      pending =
          timer.schedule(
              () -> healAll("healed after " + io.madbase.common.Durations.format(duration)),
              duration.toNanos(),
              TimeUnit.NANOSECONDS);
    }
    return how;
  }

  /** Heals every partition now; answers what the driver removed ("" when there was nothing). */
  public synchronized String healAll(String why) {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    if (!active) {
      return "";
    }
    active = false;
    String how = driver.faults().heal();
    events.add("madbase", Event.HEALED, "", why + (how.isEmpty() ? "" : " (" + how + ")"));
    return how;
  }

  /** Whether a partition or a bandwidth cap is in force now. */
  public synchronized boolean active() {
    return active;
  }

  private void healOnExit() {
    // no lock: the JVM is exiting, and a run thread holding it may never let go
    try {
      driver.faults().heal();
    } catch (RuntimeException e) {
      log.warn("could not heal the partition on exit: {}", e.toString());
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      healAll("healed as the run ended");
    }
    timer.shutdownNow();
    if (hooked) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs
      }
    }
  }
}
