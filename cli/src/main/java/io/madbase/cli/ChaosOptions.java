package io.madbase.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every chaos run takes. */
public final class ChaosOptions {
  @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Run the scenario N times and report min/median/max per phase (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--dry-run", description = "Print what would happen and the predicted bounds of each phase; touch nothing.")
  boolean dryRun;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "madbase-reports",
      description = "Where the reports go: <DIR>/<run id>/report.{json,md,html} and junit.xml (default: ${DEFAULT-VALUE}).")
  Path reportDir;
}
