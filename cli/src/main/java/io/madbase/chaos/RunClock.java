package io.madbase.chaos;

import java.time.Instant;

/**
 * One monotonic clock for a whole run: every event, probe operation and phase is a nanosecond
 * offset from the same origin (System.nanoTime), so their differences are real durations whatever
 * the wall clock does. The wall time of the origin is kept for the report only.
 */
public final class RunClock {
  private final long origin = System.nanoTime();
  private final Instant wallOrigin = Instant.now();

  /** Nanoseconds since the origin. */
  public long now() {
    return System.nanoTime() - origin;
  }

  /** A System.nanoTime() reading on this run's clock (for measurements taken elsewhere). */
  public long fromSystemNanos(long systemNanos) {
    return systemNanos - origin;
  }

  public Instant wallOrigin() {
    return wallOrigin;
  }

  public static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
