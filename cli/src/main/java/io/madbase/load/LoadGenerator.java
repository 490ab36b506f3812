package io.madbase.load;

import io.madbase.MadbaseException;

/**
 * Starts load runs. The entry point for {@code madbase loadtest} and for anything that needs load
 * beside something else (a chaos scenario's {@code --load}):
 *
 * <pre>{@code
 * LoadConfig config = LoadConfig.builder(uri, new Workload.Mix(9, 1)).rate(500).duration(null).build();
 * try (RunningLoad load = LoadGenerator.start(config)) {
 *   ... break something ...
 *   LoadResult r = load.stop();   // r.seconds(): per-second throughput, p99, errors on System.nanoTime()
 * }
 * }</pre>
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /** Validates {@code config}, opens its connections and starts the schedule; returns at once. */
  public static RunningLoad start(LoadConfig config) {
    return start(config, LoadListener.NONE);
  }

  /**
   * As {@link #start(LoadConfig)}, with a listener that hears the run once a second.
   *
   * @throws MadbaseException exit 2 for an invalid config, exit 3 when not one connection could be
   *     opened
   */
  public static RunningLoad start(LoadConfig config, LoadListener listener) {
    var problems = config.problems();
    if (!problems.isEmpty()) {
      throw MadbaseException.invalidInput(String.join("; ", problems));
    }
    RunningLoad run = new RunningLoad(config, listener);
    run.start();
    return run;
  }

  /** Runs {@code config} to its end and returns what it measured. */
  public static LoadResult run(LoadConfig config, LoadListener listener) {
    if (config.duration() == null) {
      throw MadbaseException.invalidInput("a run to completion needs a duration");
    }
    try (RunningLoad run = start(config, listener)) {
      return run.await();
    }
  }
}
