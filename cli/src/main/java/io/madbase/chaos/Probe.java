package io.madbase.chaos;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A probe: operations at a fixed rate through one path of the stack, each logged with its intended
 * time, outcome and error kind. Subclasses do one operation; this class keeps the beat.
 */
public abstract class Probe implements AutoCloseable {
  protected final String name;
  protected final RunClock clock;
  protected final OpLog ops;
  private final Duration interval;
  private final ScheduledExecutorService beat;
  private final AtomicLong seq = new AtomicLong();
  private ScheduledFuture<?> task;
  private long startNanos;

  protected Probe(String name, Duration interval, RunClock clock, OpLog ops) {
    this.name = name;
    this.interval = interval;
    this.clock = clock;
    this.ops = ops;
    this.beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "probe-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  public String name() {
    return name;
  }

  /** Starts the beat: operation n is intended at start + n * interval. */
  public void start() {
    startNanos = clock.now();
    task =
        beat.scheduleAtFixedRate(
            () -> {
              long n = seq.incrementAndGet();
              long intended = startNanos + (n - 1) * interval.toNanos();
              try {
                operate(n, intended);
              } catch (RuntimeException e) {
                record(
                    n,
                    intended,
                    Op.Outcome.FAILED,
                    "probe_error",
                    String.valueOf(e.getMessage()),
                    0,
                    "");
              }
            },
            0,
            interval.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Does operation {@code seq}, intended at {@code intendedNanos}, and records it. */
  protected abstract void operate(long seq, long intendedNanos);

  protected void record(
      long seq,
      long intended,
      Op.Outcome outcome,
      String errorKind,
      String detail,
      int retries,
      String servedBy) {
    ops.add(
        new Op(name, seq, intended, clock.now(), outcome, errorKind, detail, retries, servedBy));
  }

  /** Stops scheduling new operations; operations in flight finish on their own. */
  public void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  @Override
  public void close() {
    stop();
    beat.shutdownNow();
    try {
      beat.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
