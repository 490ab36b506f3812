package io.madbase.cli;

import io.madbase.Json;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code madbase status}: each member's role, state, address and PID, and the health checks. */
@Command(
    name = "status",
    description = {
      "Show every member, HAProxy's backends and the health checks.",
      "Each member with its role, state, address, PID and replication lag.",
      "Exit code 1 when the stack is not healthy, 3 when no stack is running."
    },
    mixinStandardHelpOptions = true)
public final class Status implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    try (StackLifecycle driver = stack.attach()) {
      StackStatus status = StackStatus.collect(driver);
      if (output.json()) {
        spec.commandLine().getOut().println(Json.write(status));
      } else {
        StatusPrinter.text(status, spec.commandLine().getOut());
      }
      return status.healthy() ? 0 : 1;
    }
  }
}
