package io.madbase.load;

/**
 * Hears a run as it goes: once when the connections are open, then once a second. Called on the
 * run's own ticker thread: keep it short.
 */
public interface LoadListener {
  LoadListener NONE = new LoadListener() {};

  /** The connections were pre-opened (before the first request). */
  default void connected(int requested, int established, Integer kernelEstablished) {}

  /** One second ended (a last bucket shorter than half a second is in the result only). */
  default void second(LoadResult.Second bucket, Live live) {}

  /**
   * Totals so far, for a progress line.
   *
   * @param elapsedSeconds since the first intended send
   * @param warmup still in the warmup
   * @param p99SoFar p99 of the measured part so far, ms (the warmup's while warming up)
   * @param errorsSoFar errors of the measured part so far
   * @param notSentSoFar requests of the measured part not sent so far
   * @param lateSoFar late sends of the measured part so far
   */
  record Live(
      double elapsedSeconds,
      boolean warmup,
      double p99SoFar,
      long errorsSoFar,
      long notSentSoFar,
      long lateSoFar) {}
}
