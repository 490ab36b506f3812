package io.madbase.load;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The reads of a run, second by second: how many were offered (their intended send time fell in the
 * second), how many ended ok and not ok in it, and their p99. A chaos run judges reads on their own
 * (issue 12): a failover may hold writes for seconds while reads should keep flowing.
 */
final class ReadSeconds {
  private final LongAdder offered = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Recorder latency;
  private Histogram interval;
  private long lastOffered;
  private long lastOk;
  private long lastErrors;

  ReadSeconds(long maxMicros) {
    this.latency = new Recorder(1, maxMicros, 3);
  }

  void offered() {
    offered.increment();
  }

  /**
   * A read ended; {@code micros} is its latency from its intended send time, negative when it has
   * none to count (never sent).
   */
  void ended(boolean isOk, long micros) {
    if (micros > 0) {
      latency.recordValue(micros);
    }
    if (isOk) {
      ok.increment();
    } else {
      errors.increment();
    }
  }

  /** The reads since the last call: the ticker's, once a second. */
  LoadResult.Reads next() {
    interval = latency.getIntervalHistogram(interval);
    long o = offered.sum();
    long k = ok.sum();
    long e = errors.sum();
    LoadResult.Reads r =
        new LoadResult.Reads(
            o - lastOffered,
            k - lastOk,
            e - lastErrors,
            interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0);
    lastOffered = o;
    lastOk = k;
    lastErrors = e;
    return r;
  }
}
