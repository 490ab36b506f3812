package io.madbase.cli;

import io.madbase.driver.StackLifecycle;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code madbase demo}: the whole story in one command. */
@Command(
    name = "demo",
    description = {
      "Bring the stack up, crash its primary under writes, and show the failover timeline.",
      "Probes write through the gateway and HAProxy; the verdict and the reports follow. The stack",
      "stays up afterwards: madbase status, madbase chaos list, madbase down."
    },
    mixinStandardHelpOptions = true)
public final class Demo implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin VerbosityOptions verbosity;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      defaultValue = "kill-primary",
      description = "The scenario to run (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "madbase-reports",
      description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  java.nio.file.Path reportDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    var loaded = stack.load();
    // a scenario or option that cannot run on this stack is refused before the stack is brought up
    io.madbase.chaos.ScenarioLoader.checkAgainst(
        io.madbase.chaos.ScenarioLoader.load(scenario), loaded.spec());
    ChaosOptions opts = new ChaosOptions();
    opts.repeat = 1;
    opts.reportDir = reportDir;
    opts.check();
    try (StackLifecycle driver = stack.forUp(loaded)) {
      if (!verbosity.quiet()) {
        err.println(
            "madbase demo: 1/2 the stack (3 etcd, 3 PostgreSQL under Patroni, HAProxy, Redis + 3 Sentinels, gateway, workers)");
      }
      StackLifecycle.UpResult up = driver.up(new TerminalProgress(err, verbosity.quiet()));
      out.printf(
          Locale.ROOT,
          up.changedNothing() ? "stack '%s' was already up%n" : "stack '%s' up in %.1f s%n",
          driver.spec().name(),
          up.took().toMillis() / 1000.0);
    }
    if (!verbosity.quiet()) {
      err.println(
          "madbase demo: 2/2 chaos "
              + scenario
              + " (watch the phases arrive; the full report follows)");
    }
    int code = ChaosRunner.run(scenario, stack, opts, new OutputOptions(), verbosity, out, err);
    out.println("the stack is still up: madbase status | madbase chaos list | madbase down");
    return code;
  }
}
