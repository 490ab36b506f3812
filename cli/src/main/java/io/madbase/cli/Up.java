package io.madbase.cli;

import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code madbase up}: starts the stack and waits until it is truly healthy. */
@Command(
    name = "up",
    description = {
      "Start the stack natively on this machine and wait until it is healthy.",
      "Healthy: etcd quorum, one Patroni leader with every replica streaming, HAProxy routing to it,",
      "Sentinels agreeing on the Redis master, workers and gateway ready. On a running stack it",
      "changes nothing; on a stack with members down it starts only those."
    },
    mixinStandardHelpOptions = true)
public final class Up implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin VerbosityOptions verbosity;

  @Override
  public Integer call() {
    var loaded = stack.load();
    PrintWriter out = spec.commandLine().getOut();
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), verbosity.quiet());
    try (StackLifecycle driver = stack.forUp(loaded)) {
      StackLifecycle.UpResult result = driver.up(progress);
      StackStatus status = StackStatus.collect(driver);
      if (result.changedNothing()) {
        out.printf(
            "stack '%s' is already running in %s; nothing changed%n",
            driver.spec().name(), driver.stateDir());
      } else {
        out.printf(
            Locale.ROOT,
            "stack '%s' is up in %.1f s (%d members started)%n",
            driver.spec().name(),
            result.took().toMillis() / 1000.0,
            result.started().size());
      }
      StatusPrinter.text(status, out);
      var effective =
          io.madbase.chaos.EffectiveTiming.of(driver.spec(), driver.topology(), driver.observer());
      PrintWriter err = spec.commandLine().getErr();
      effective
          .note()
          .ifPresent(
              n ->
                  err.println("madbase: warning: " + n.replace(": the predictions use these", "")));
      io.madbase.chaos.Expectations.holdShortfall(effective.spec())
          .ifPresent(w -> err.println("madbase: warning: " + w));
      return status.healthy() ? 0 : 1;
    }
  }
}
