package io.madbase.cli;

import io.madbase.MadbaseException;
import io.madbase.chaos.LoadPlan;
import io.madbase.load.LoadConfig;
import io.madbase.load.Workload;
import io.madbase.stack.StackSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options every chaos run takes. {@link #check} validates all of them at once, and a dry run calls
 * it as a real run does: a dry run that passes means the options are good (issue 13, item 2).
 */
public final class ChaosOptions {
  static final int MAX_REPEAT = 100;
  static final int DEFAULT_LOAD_CONNECTIONS = 100;
  static final String DEFAULT_LOAD_MIX = "9:1";
  static final Duration DEFAULT_LOAD_WARMUP = Duration.ofSeconds(10);
  static final Duration MAX_LOAD_WARMUP = Duration.ofHours(1);

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Run the scenario N times and report min/median/max per phase (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--dry-run",
      description =
          "Check the scenario and the options against the stack, print what would happen and the predicted bounds of each phase; touch nothing.")
  boolean dryRun;

  @Option(
      names = "--load",
      paramLabel = "RATE",
      description =
          "Also run madbase loadtest's open-model load through the gateway at RATE req/s for the whole run, and report what the failover costs in latency, second by second.")
  Double load;

  @Option(
      names = "--load-connections",
      paramLabel = "N",
      description = "Connections the --load generator holds (default: 100).")
  Integer loadConnections;

  @Option(
      names = "--load-mix",
      paramLabel = "R:W",
      description = "--load's reads:writes mix (default: 9:1).")
  String loadMix;

  @Option(
      names = "--load-warmup",
      paramLabel = "D",
      description =
          "How long the --load runs before the fault (default: 10s): a fresh gateway needs seconds of JIT compilation before it keeps up.")
  Duration loadWarmup;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "madbase-reports",
      description =
          "Where the reports go: <DIR>/<run id>/report.{json,md,html} and junit.xml (default: ${DEFAULT-VALUE}).")
  Path reportDir;

  /**
   * Every problem with the options, at once (exit 2). A report directory that cannot be created is
   * exit 3.
   */
  void check() {
    List<String> p = new ArrayList<>();
    if (repeat < 1 || repeat > MAX_REPEAT) {
      p.add("--repeat must be between 1 and " + MAX_REPEAT + " (got " + repeat + ")");
    }
    if (load == null) {
      if (loadConnections != null) {
        p.add("--load-connections is for --load RATE, which is not given");
      }
      if (loadMix != null) {
        p.add("--load-mix is for --load RATE, which is not given");
      }
      if (loadWarmup != null) {
        p.add("--load-warmup is for --load RATE, which is not given");
      }
    } else {
      if (!(load > 0) || load.isInfinite()) {
        p.add("--load must be a rate above 0 req/s (got " + LoadConfig.fmt(load) + ")");
      } else if (load > LoadConfig.MAX_RATE) {
        p.add(
            "--load must be at most "
                + LoadConfig.fmt(LoadConfig.MAX_RATE)
                + " req/s (got "
                + LoadConfig.fmt(load)
                + ")");
      }
      int conns = connections();
      if (conns < 1 || conns > LoadConfig.MAX_CONNECTIONS) {
        p.add(
            "--load-connections must be between 1 and "
                + LoadConfig.MAX_CONNECTIONS
                + " (got "
                + conns
                + ")");
      }
      if (mix().isEmpty()) {
        p.add(
            "--load-mix must be READS:WRITES, whole numbers not both 0, such as 9:1 (got '"
                + io.madbase.stack.Problems.shown(loadMix)
                + "')");
      }
      if (loadWarmup != null
          && (loadWarmup.isNegative() || loadWarmup.compareTo(MAX_LOAD_WARMUP) > 0)) {
        p.add(
            "--load-warmup must be between 0s and "
                + io.madbase.common.Durations.format(MAX_LOAD_WARMUP)
                + " (got "
                + io.madbase.common.Durations.format(loadWarmup)
                + ")");
      }
    }
    if (!p.isEmpty()) {
      throw MadbaseException.invalidInput(
          p.size() == 1
              ? p.get(0)
              : p.size() + " problems with the options:\n  " + String.join("\n  ", p));
    }
    // the reports are written at the end of a run: a place that cannot hold them is found now
    OutputPaths.checkDirectory("--report-dir", reportDir);
  }

  /** What the options need of {@code stack}: a gateway for --load. */
  void checkAgainst(StackSpec stack) {
    if (load != null && stack.gateway().instances() == 0) {
      throw MadbaseException.invalidInput(
          "--load runs through the gateway, and this stack has none (gateway.instances: 0)");
    }
  }

  /** The --load plan, or null when no --load was given; {@link #check} first. */
  LoadPlan loadPlan() {
    return load == null
        ? null
        : new LoadPlan(
            load,
            connections(),
            mix().orElseThrow(),
            loadWarmup == null ? DEFAULT_LOAD_WARMUP : loadWarmup);
  }

  private int connections() {
    return loadConnections == null ? DEFAULT_LOAD_CONNECTIONS : loadConnections;
  }

  private Optional<Workload.Mix> mix() {
    return Workload.Mix.parse(loadMix == null ? DEFAULT_LOAD_MIX : loadMix);
  }
}
