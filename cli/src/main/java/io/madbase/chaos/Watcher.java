package io.madbase.chaos;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Something that observes one source through the run and records what changes. Polling watchers
 * look every {@code interval} on their own thread; a poll that fails is recorded as what it saw
 * (unreachable), never thrown.
 */
public abstract class Watcher implements AutoCloseable {
  private final ScheduledExecutorService exec;
  private final EventLog log;
  private volatile boolean closed;

  protected Watcher(String name, EventLog log) {
    this.log = log;
    this.exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watch-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts polling every {@code interval}. */
  public Watcher start(Duration interval) {
    exec.scheduleWithFixedDelay(
        () -> {
          try {
            poll();
          } catch (RuntimeException e) {
            emit(getClass().getSimpleName(), Event.WATCH_ERROR, "", String.valueOf(e.getMessage()));
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** One look at the source. */
  protected abstract void poll();

  /**
   * Records an observation, unless the watcher is closing: a poll interrupted by close() sees
   * "unreachable", which is not what the member did.
   */
  protected void emit(String source, String kind, String subject, String detail) {
    if (!closed) {
      log.add(source, kind, subject, detail);
    }
  }

  @Override
  public void close() {
    closed = true;
    exec.shutdownNow();
    try {
      exec.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
