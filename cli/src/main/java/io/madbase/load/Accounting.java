package io.madbase.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The exchange accounting of a load run: every request counted once as it is scheduled, sent and
 * ended, its latency recorded from its intended send time, and the reads on their own.
 */
final class Accounting {
  /** Latencies above an hour are recorded as an hour. */
  static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  /** Every request that ended, for the per-second buckets. */
  final Recorder all = new Recorder(1, MAX_MICROS, 3);

  /** Measured requests only: the totals. */
  final Recorder measured = new Recorder(1, MAX_MICROS, 3);

  /** The measured requests so far, added to a second at a time by the ticker. */
  final Histogram measuredTotal = new Histogram(1, MAX_MICROS, 3);

  final ReadSeconds reads = new ReadSeconds(MAX_MICROS);
  final Tally warm = new Tally();
  final Tally main = new Tally();
  final AtomicLong inFlight = new AtomicLong();

  private final Recorder measuredLag = new Recorder(1, MAX_MICROS, 3);
  private final Histogram lagTotal = new Histogram(1, MAX_MICROS, 3);
  private final LongAccumulator lastMeasuredEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private final long lateAfterNanos;

  Accounting(long lateAfterNanos) {
    this.lateAfterNanos = lateAfterNanos;
  }

  Tally tally(boolean isMeasured) {
    return isMeasured ? main : warm;
  }

  /** A request handed to the connections: it is in flight until it ends. */
  void scheduled(Tally tally, boolean read) {
    tally.scheduled.increment();
    if (read) {
      reads.offered();
    }
    inFlight.incrementAndGet();
  }

  /** A request started going out {@code lagNanos} after it was due. */
  void begun(Tally tally, boolean isMeasured, long lagNanos) {
    tally.sent.increment();
    if (lagNanos > lateAfterNanos) {
      tally.late.increment();
    }
    if (isMeasured) {
      measuredLag.recordValue(micros(lagNanos));
    }
  }

  /**
   * A request ended at {@code now}.
   *
   * @param began whether it started going out
   * @param waited it waited (on a connection or in the queue) and its latency counts; false for one
   *     refused at once
   * @param kind null for ok, else the error's kind
   * @param sample what its error said (null: describe the kind)
   */
  void ended(
      Tally tally,
      boolean isMeasured,
      boolean read,
      long due,
      long now,
      boolean began,
      boolean waited,
      String kind,
      String sample) {
    try {
      boolean recorded = began || (waited && !Outcome.UNFINISHED.equals(kind));
      long micros = micros(now - due);
      if (recorded) {
        all.recordValue(micros);
        if (isMeasured) {
          measured.recordValue(micros);
          lastMeasuredEnd.accumulate(now);
        }
      }
      if (read) {
        reads.ended(kind == null, recorded ? micros : -1);
      }
      if (!began) {
        tally.notSent.increment();
      }
      if (kind == null) {
        tally.ok.increment();
      } else {
        tally.error(kind);
        if (!Outcome.UNFINISHED.equals(kind)) {
          tally.sample(kind, sample != null ? sample : Outcome.describe(kind));
        }
      }
      tally.ended.increment();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Warmup and measured together: scheduled, ended, ok, errors, late. */
  long[] totals() {
    return new long[] {
      warm.scheduled.sum() + main.scheduled.sum(),
      warm.ended.sum() + main.ended.sum(),
      warm.ok.sum() + main.ok.sum(),
      warm.errors.sum() + main.errors.sum(),
      warm.late.sum() + main.late.sum()
    };
  }

  /** When the last measured request ended (nanos), MIN_VALUE when none did. */
  long lastMeasuredEnd() {
    return lastMeasuredEnd.get();
  }

  /** Every measured request's latency, from its intended send time. */
  Histogram measuredLatencies() {
    synchronized (measuredTotal) {
      measuredTotal.add(measured.getIntervalHistogram());
      return measuredTotal.copy();
    }
  }

  /** How late the measured requests started going out. */
  Histogram sendLags() {
    lagTotal.add(measuredLag.getIntervalHistogram());
    return lagTotal;
  }

  static long micros(long nanos) {
    return Math.max(1, Math.min(MAX_MICROS, nanos / 1000));
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  static LoadResult.Latency latency(Histogram h) {
    if (h.getTotalCount() == 0) {
      return LoadResult.Latency.EMPTY;
    }
    return new LoadResult.Latency(
        h.getTotalCount(),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()),
        h.getMean() / 1000.0);
  }
}
