package io.madbase.cli;

import io.madbase.driver.StackLifecycle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code madbase down}: stops everything the stack started, by PID, in a safe order. */
@Command(
    name = "down",
    description = {
      "Stop every member of the stack, by PID, in a safe order.",
      "Gateway, workers, Sentinels, Redis, HAProxy, Patroni/PostgreSQL, then etcd (leader first).",
      "A partition or bandwidth cap a killed chaos run left is removed first (both drivers).",
      "--purge also removes data, logs and configs (the stack's passwords are kept)."
    },
    mixinStandardHelpOptions = true)
public final class Down implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin VerbosityOptions verbosity;

  @Option(
      names = "--purge",
      description = "Also remove data, logs and rendered configs (the stack's passwords are kept).")
  boolean purge;

  @Override
  public Integer call() {
    try (StackLifecycle driver = stack.attach()) {
      driver.down(purge, new TerminalProgress(spec.commandLine().getErr(), verbosity.quiet()));
      spec.commandLine()
          .getOut()
          .printf(
              "stack '%s' stopped%s%n", driver.spec().name(), purge ? " and its data removed" : "");
      return 0;
    }
  }
}
