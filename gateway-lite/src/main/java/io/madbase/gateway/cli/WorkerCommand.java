package io.madbase.gateway.cli;

import io.madbase.common.Durations;
import io.madbase.gateway.workers.WorkerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code madbase worker}: a tiny HTTP upstream for {@code /functions/v1/*}, answering JSON that
 * names it.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a tiny worker upstream: every path answers {\"worker\":\"<name>\",...}; GET /health; ?delay_ms=N answers slowly."
    },
    footer = {"", "Exit codes: 0 shut down cleanly, 2 invalid input, 3 environment (port taken)."})
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", required = true, description = "the worker's name, in every answer")
  String name;

  @Option(
      names = "--port",
      defaultValue = "9000",
      description = "port (default ${DEFAULT-VALUE}; 0: any free port)")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "address to listen on (default ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "10s",
      description = "how long in-flight requests may finish on SIGTERM")
  String grace;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Optional<Duration> g = Durations.parse(grace);
    // every problem at once; a blank name would answer every call with "worker": ""
    List<String> problems = new ArrayList<>();
    if (name.isBlank()) {
      problems.add("--name: empty; every answer carries the worker's name");
    }
    if (port < 0 || port > 65535) {
      problems.add("--port: out of range 0..65535");
    }
    if (g.isEmpty()) {
      problems.add("--shutdown-grace: '" + grace + "' is not " + Durations.EXPECTED);
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("worker: " + p));
      err.flush();
      return GatewayCommand.INVALID_INPUT;
    }
    ServeUntilSignalled signals = ServeUntilSignalled.arm();
    WorkerServer worker;
    try {
      worker = WorkerServer.start(name, bind, port, g.get());
    } catch (BindException e) {
      err.println("worker: port " + port + " on " + bind + " is taken");
      err.flush();
      return GatewayCommand.ENVIRONMENT;
    } catch (IOException e) {
      err.println("worker: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
      err.flush();
      return GatewayCommand.ENVIRONMENT;
    }
    signals.serve(worker);
    return GatewayCommand.OK;
  }
}
