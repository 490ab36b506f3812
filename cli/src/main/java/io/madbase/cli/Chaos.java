package io.madbase.cli;

import io.madbase.chaos.ScenarioLoader;
import io.madbase.chaos.ScenarioSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code madbase chaos}: break the running stack on purpose and report how it lived through it. */
@Command(
    name = "chaos",
    description = {
      "Break the running stack on purpose and report how it lived through it.",
      "Probes write and read through it meanwhile; each failover is reported as a timed timeline",
      "with failed requests and lost acknowledged writes counted. Each bundled scenario is a",
      "command of its own (madbase chaos kill-primary)."
    },
    mixinStandardHelpOptions = true,
    subcommands = {Chaos.ListScenarios.class, Chaos.Run.class})
public final class Chaos implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw io.madbase.MadbaseException.invalidInput(
        "name a scenario (madbase chaos list shows them) or use: madbase chaos run FILE");
  }

  /** Adds one subcommand per bundled scenario: `madbase chaos kill-primary`. */
  static void addBundled(CommandLine chaos) {
    for (String name : ScenarioLoader.bundled()) {
      CommandLine sub = new CommandLine(new Named(name));
      sub.getCommandSpec().usageMessage().description(ScenarioLoader.bundledSummary(name));
      chaos.addSubcommand(name, sub);
    }
  }

  /** {@code madbase chaos list}. */
  @Command(
      name = "list",
      description = "List the bundled scenarios.",
      mixinStandardHelpOptions = true)
  static final class ListScenarios implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      for (String name : ScenarioLoader.bundled()) {
        ScenarioSpec s = ScenarioLoader.load(name).spec();
        out.printf("%-22s %s%n", name, ScenarioLoader.firstSentence(s.description()));
      }
      out.println();
      out.println(
          "Run one: madbase chaos <name> [--dry-run] [--repeat N]; your own: madbase chaos run FILE.yaml (docs/scenarios.md)");
      return 0;
    }
  }

  /** {@code madbase chaos run NAME|FILE}. */
  @Command(
      name = "run",
      description = "Run a scenario: a bundled one by name, or your own YAML file.",
      mixinStandardHelpOptions = true)
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StackOptions stack;
    @Mixin ChaosOptions chaos;
    @Mixin OutputOptions output;
    @Mixin VerbosityOptions verbosity;

    @Parameters(
        paramLabel = "SCENARIO",
        description = "A bundled scenario's name or a scenario file.")
    String scenario;

    @Override
    public Integer call() {
      return ChaosRunner.run(
          scenario,
          stack,
          chaos,
          output,
          verbosity,
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  /** One bundled scenario as a command. */
  @Command(mixinStandardHelpOptions = true)
  static final class Named implements Callable<Integer> {
    private final String name;
    @Spec CommandSpec spec;
    @Mixin StackOptions stack;
    @Mixin ChaosOptions chaos;
    @Mixin OutputOptions output;
    @Mixin VerbosityOptions verbosity;

    Named(String name) {
      this.name = name;
    }

    @Override
    public Integer call() {
      return ChaosRunner.run(
          name,
          stack,
          chaos,
          output,
          verbosity,
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }
}
