package io.madbase.gateway.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The standalone gateway jar's entry point: {@code java -jar gateway-lite.jar [gateway flags]} (or
 * {@code worker …}).
 */
public final class Main {
  private Main() {}

  /** The standalone jar's logging config; inside madbase's own jar, madbase's logback.xml rules. */
  static final String LOGGING_CONFIG = "gateway-logback.xml";

  public static void main(String[] args) {
    // before the first logger exists: one config per jar, never two logback.xml on a classpath
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING_CONFIG);
    }
    System.exit(
        commandLine(
                System.getenv(),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true))
            .execute(args));
  }

  /** The gateway command with {@code worker} as a subcommand, exit codes mapped. */
  public static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new GatewayCommand(env));
    cl.addSubcommand(new WorkerCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("gateway: " + ex.getMessage());
          return GatewayCommand.INVALID_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr()
              .println("gateway: internal error: " + io.madbase.common.Masking.mask(ex.toString()));
          return 4;
        });
    return cl;
  }
}
