package io.madbase.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every chaos run takes. */
public final class ChaosOptions {
  /** The --load plan, or null when no --load was given. */
  io.madbase.chaos.LoadPlan loadPlan() {
    if (load == null) {
      return null;
    }
    if (load <= 0) {
      throw io.madbase.MadbaseException.invalidInput(
          "--load must be a rate above 0 (got " + load + ")");
    }
    if (loadConnections < 1) {
      throw io.madbase.MadbaseException.invalidInput(
          "--load-connections must be at least 1 (got " + loadConnections + ")");
    }
    var mix =
        io.madbase.load.Workload.Mix.parse(loadMix)
            .orElseThrow(
                () ->
                    io.madbase.MadbaseException.invalidInput(
                        "--load-mix must be READS:WRITES such as 9:1 (got '" + loadMix + "')"));
    if (loadWarmup.isNegative()) {
      throw io.madbase.MadbaseException.invalidInput("--load-warmup must not be negative");
    }
    return new io.madbase.chaos.LoadPlan(load, loadConnections, mix, loadWarmup);
  }

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
          "Print what would happen and the predicted bounds of each phase; touch nothing.")
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
      defaultValue = "100",
      description = "Connections the --load generator holds (default: ${DEFAULT-VALUE}).")
  int loadConnections;

  @Option(
      names = "--load-mix",
      paramLabel = "R:W",
      defaultValue = "9:1",
      description = "--load's reads:writes mix (default: ${DEFAULT-VALUE}).")
  String loadMix;

  @Option(
      names = "--load-warmup",
      paramLabel = "D",
      defaultValue = "10s",
      description =
          "How long the --load runs before the fault (default: ${DEFAULT-VALUE}): a fresh gateway needs seconds of JIT compilation before it keeps up.")
  java.time.Duration loadWarmup;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "madbase-reports",
      description =
          "Where the reports go: <DIR>/<run id>/report.{json,md,html} and junit.xml (default: ${DEFAULT-VALUE}).")
  Path reportDir;
}
