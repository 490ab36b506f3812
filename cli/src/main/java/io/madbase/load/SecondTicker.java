package io.madbase.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;

/**
 * The per-second buckets of a load run, on nanoTime from its first intended send: what was
 * scheduled, ended, ok, failed and late in each second, its latencies, its reads, the open
 * connections; each told to the listener as it closes. Runs on a thread of its own until the
 * schedule is done and nothing is in flight.
 */
final class SecondTicker implements Runnable {
  private static final long SECOND = 1_000_000_000L;

  private final Accounting accounting;
  private final LoadListener listener;
  private final IntSupplier openConnections;
  private final BooleanSupplier scheduleDone;
  private final long startNanos;
  private final long measureStartNanos;
  private final List<LoadResult.Second> seconds = Collections.synchronizedList(new ArrayList<>());
  private volatile int minOpen = Integer.MAX_VALUE;

  SecondTicker(
      Accounting accounting,
      LoadListener listener,
      IntSupplier openConnections,
      BooleanSupplier scheduleDone,
      long startNanos,
      long measureStartNanos) {
    this.accounting = accounting;
    this.listener = listener;
    this.openConnections = openConnections;
    this.scheduleDone = scheduleDone;
    this.startNanos = startNanos;
    this.measureStartNanos = measureStartNanos;
  }

  @Override
  public void run() {
    Histogram interval = null;
    Histogram measuredInterval = null;
    long[] last = new long[5];
    int index = 0;
    long bucketStart = startNanos;
    while (true) {
      long bucketEnd = bucketStart + SECOND;
      boolean finalBucket = false;
      long now;
      while ((now = System.nanoTime()) < bucketEnd) {
        if (scheduleDone.getAsBoolean() && accounting.inFlight.get() == 0) {
          finalBucket = true;
          break;
        }
        LockSupport.parkNanos(Math.min(bucketEnd - now, TimeUnit.MILLISECONDS.toNanos(20)));
      }
      if (finalBucket) {
        bucketEnd = Math.max(bucketStart, now);
      }
      if (Thread.currentThread().isInterrupted()) {
        finalBucket = true;
      }
      interval = accounting.all.getIntervalHistogram(interval);
      measuredInterval = accounting.measured.getIntervalHistogram(measuredInterval);
      synchronized (accounting.measuredTotal) {
        accounting.measuredTotal.add(measuredInterval);
      }
      long[] cur = accounting.totals();
      int open = openConnections.getAsInt();
      boolean inWarmup = bucketStart < measureStartNanos;
      if (!inWarmup && !scheduleDone.getAsBoolean()) {
        minOpen = Math.min(minOpen, open);
      }
      LoadResult.Second s =
          new LoadResult.Second(
              index,
              bucketStart,
              bucketEnd,
              inWarmup,
              cur[0] - last[0],
              cur[1] - last[1],
              cur[2] - last[2],
              cur[3] - last[3],
              cur[4] - last[4],
              Accounting.ms(interval.getValueAtPercentile(50)),
              Accounting.ms(interval.getValueAtPercentile(99)),
              Accounting.ms(interval.getMaxValue()),
              open,
              accounting.reads.next());
      if (!(finalBucket
          && s.completed() == 0
          && s.scheduled() == 0
          && bucketEnd - bucketStart < SECOND / 10)) {
        seconds.add(s);
      }
      // a last bucket of a fraction of a second is kept in the result, not shown as a rate
      if (!finalBucket || bucketEnd - bucketStart >= SECOND / 2) {
        tell(s, bucketEnd, inWarmup, interval);
      }
      last = cur;
      index++;
      bucketStart = bucketEnd;
      if (finalBucket) {
        return;
      }
    }
  }

  private void tell(LoadResult.Second s, long bucketEnd, boolean inWarmup, Histogram interval) {
    double p99SoFar;
    synchronized (accounting.measuredTotal) {
      p99SoFar =
          Accounting.ms(
              inWarmup
                  ? interval.getValueAtPercentile(99)
                  : accounting.measuredTotal.getValueAtPercentile(99));
    }
    Tally main = accounting.main;
    try {
      listener.second(
          s,
          new LoadListener.Live(
              (bucketEnd - startNanos) / 1e9,
              inWarmup,
              p99SoFar,
              main.errors.sum(),
              main.notSent.sum(),
              main.late.sum()));
    } catch (RuntimeException e) {
      // a listener's failure must not stop the measurement
    }
  }

  /** The buckets so far. */
  List<LoadResult.Second> seconds() {
    synchronized (seconds) {
      return List.copyOf(seconds);
    }
  }

  /** The fewest connections open in a measured second while the schedule ran (MAX_VALUE: none). */
  int minOpen() {
    return minOpen;
  }
}
