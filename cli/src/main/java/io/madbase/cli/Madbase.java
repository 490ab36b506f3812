package io.madbase.cli;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.Version;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the verbs. {@link #commandLine} is the one factory tests use too. */
@Command(
    name = "madbase",
    mixinStandardHelpOptions = true,
    versionProvider = Madbase.VersionProvider.class,
    description = {
      "Stand up a highly available PostgreSQL + Redis stack, break it on purpose, and report how it lived through it.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 a check or SLO failed, 2 invalid input,",
      "3 environment (missing binary, port taken, no stack running, a path that cannot be written),",
      "4 internal error.",
      "Docs: docs/README.md"
    },
    subcommands = {
      Init.class,
      Validate.class,
      Render.class,
      Doctor.class,
      Up.class,
      Status.class,
      Down.class,
      Chaos.class,
      Demo.class,
      LoadTest.class,
      io.madbase.gateway.cli.GatewayCommand.class,
      io.madbase.gateway.cli.WorkerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Madbase implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    // no verb given: show what there is, and say it was a usage error
    spec.commandLine().usage(spec.commandLine().getErr());
    throw MadbaseException.invalidInput("a command is required (see the list above)");
  }

  /** The configured command line: exit codes, error printing, output streams. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, true);
  }

  /**
   * As {@link #commandLine(PrintWriter, PrintWriter)}; {@code scenarios}: whether the bundled
   * scenarios are added as chaos subcommands. Each is a command with every run option, built by
   * reflection: sixteen of them were half of what a start cost, and a command line that does not
   * name {@code chaos} never reaches them ({@link Main} leaves them out then).
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean scenarios) {
    CommandLine cl = new CommandLine(new Madbase());
    if (scenarios) {
      Chaos.addBundled(cl.getSubcommands().get("chaos"));
    }
    // descriptions are written in lines of up to 100 columns; at picocli's default of 80 each
    // would wrap mid-sentence (set after every subcommand is added: it applies to those present)
    cl.setUsageHelpWidth(100);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(java.time.Duration.class, new DurationConverter());
    // in a user's words: picocli says "'abc' is not an int" and Java's URI parser names its class
    cl.registerConverter(Integer.class, Madbase::wholeNumber);
    cl.registerConverter(int.class, Madbase::wholeNumber);
    cl.registerConverter(Double.class, Madbase::number);
    cl.registerConverter(double.class, Madbase::number);
    cl.registerConverter(java.net.URI.class, Madbase::url);
    cl.setExitCodeExceptionMapper(
        t -> t instanceof MadbaseException m ? m.exitCode() : ExitCode.INTERNAL);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          e.println("madbase: " + usageProblem(ex));
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
          e.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return ExitCode.INVALID_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          PrintWriter e = cmd.getErr();
          boolean verbose = verbose(parseResult.originalArgs());
          if (ex instanceof MadbaseException m) {
            e.println("madbase: " + m.getMessage());
            if (verbose) {
              m.printStackTrace(e);
            }
            return m.exitCode();
          }
          e.println("madbase: internal error: " + ex);
          if (verbose) {
            ex.printStackTrace(e);
          } else {
            e.println("(run again with -v for the stack trace, and please report it)");
          }
          return ExitCode.INTERNAL;
        });
    return cl;
  }

  static Integer wholeNumber(String value) {
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'"
              + io.madbase.stack.Problems.shown(value)
              + "' is not a whole number"
              + (value.strip().matches("-?[0-9]{10,}") ? " of at most " + Integer.MAX_VALUE : ""));
    }
  }

  static Double number(String value) {
    try {
      return Double.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + io.madbase.stack.Problems.shown(value) + "' is not a number");
    }
  }

  static java.net.URI url(String value) {
    try {
      return new java.net.URI(value.strip());
    } catch (java.net.URISyntaxException e) {
      throw new CommandLine.TypeConversionException(
          "'"
              + io.madbase.stack.Problems.shown(value)
              + "' is not a URL ("
              + e.getReason().toLowerCase(java.util.Locale.ROOT)
              + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "")
              + ")");
    }
  }

  /**
   * A usage problem in madbase's words: a word where a command goes is an unknown command (for
   * chaos: an unknown scenario, with where the scenarios are listed), not picocli's "Unmatched
   * argument at index 1".
   */
  static String usageProblem(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")
        && !ex.getCommandLine().getSubcommands().isEmpty()) {
      String word = u.getUnmatched().get(0);
      String shown = io.madbase.stack.Problems.shown(word);
      CommandSpec cmd = ex.getCommandLine().getCommandSpec();
      if (cmd.name().equals("chaos")) {
        boolean isFile = java.nio.file.Files.isRegularFile(java.nio.file.Path.of(word));
        return "no scenario '"
            + shown
            + "': madbase chaos list shows the bundled ones"
            + (isFile
                ? "; to run this file: madbase chaos run " + shown
                : "; your own file: madbase chaos run FILE");
      }
      return "unknown command '" + shown + "'";
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      // picocli: "Unmatched argument at index 3: 'b'"
      return "unexpected argument '"
          + io.madbase.stack.Problems.shown(u.getUnmatched().get(0))
          + "' ("
          + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " takes no more)";
    }
    return ex.getMessage();
  }

  private static boolean verbose(List<String> args) {
    return args.stream().anyMatch(a -> a.equals("--verbose") || a.matches("-v+"));
  }

  /** {@code madbase --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "madbase " + Version.get(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }

  /** Durations in flags read like those in files: 500ms, 30s, 2m. */
  static final class DurationConverter implements CommandLine.ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      return io.madbase.common.Durations.parse(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not " + io.madbase.common.Durations.EXPECTED));
    }
  }
}
