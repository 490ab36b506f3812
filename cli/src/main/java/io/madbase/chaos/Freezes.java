package io.madbase.chaos;

import io.madbase.driver.FaultInjector;
import io.madbase.driver.StackLifecycle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes a run has frozen, each resumed when its freeze is over. A frozen node is never left
 * behind: {@link #thawAll} (the rollback, and {@link #close}) resumes every one still frozen, and
 * while any is, a JVM shutdown hook does too, so an interrupted run (Ctrl-C) leaves no stopped
 * processes. Closing twice is safe.
 */
public final class Freezes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Freezes.class);

  private final StackLifecycle driver;
  private final EventLog events;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "thaw-timer");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, ScheduledFuture<?>> pending = new LinkedHashMap<>();
  private final Thread hook = new Thread(this::thawOnExit, "thaw-on-exit");
  private boolean hooked;
  private boolean closed;

  public Freezes(StackLifecycle driver, EventLog events) {
    this.driver = driver;
    this.events = events;
  }

  /** Freezes {@code member} now and resumes it after {@code duration}. */
  public synchronized FaultInjector.Frozen freeze(String member, Duration duration) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(hook);
      hooked = true;
    }
    FaultInjector.Frozen frozen = driver.faults().freeze(member);
    pending.put(
        member,
        timer.schedule(() -> thaw(member, "resumed"), duration.toNanos(), TimeUnit.NANOSECONDS));
    return frozen;
  }

  /** Resumes every node still frozen, before its time; returns their names. */
  public synchronized List<String> thawAll(String why) {
    List<String> early = List.copyOf(pending.keySet());
    for (String member : early) {
      pending.get(member).cancel(false);
      thaw(member, why);
    }
    return early;
  }

  private synchronized void thaw(String member, String detail) {
    if (pending.remove(member) == null) {
      return; // already resumed (the timer and a rollback raced)
    }
    String how = driver.faults().thaw(member);
    events.add("madbase", Event.THAWED, member, detail + " (" + how + ")");
  }

  private void thawOnExit() {
    // no lock: the JVM is exiting, and a run thread holding it may never let go
    for (String member : List.copyOf(pending.keySet())) {
      try {
        driver.faults().thaw(member);
      } catch (RuntimeException e) {
        log.warn("could not resume {} on exit: {}", member, e.toString());
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      thawAll("resumed as the run ended");
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
