package io.madbase.cli;

import io.madbase.Json;
import io.madbase.MadbaseException;
import io.madbase.common.Setting;
import io.madbase.driver.NodeInfo;
import io.madbase.driver.StackLifecycle;
import io.madbase.load.LoadConfig;
import io.madbase.load.LoadGenerator;
import io.madbase.load.LoadReport;
import io.madbase.load.LoadResult;
import io.madbase.load.PoolLeakCheck;
import io.madbase.load.ProcessWatch;
import io.madbase.load.RunningLoad;
import io.madbase.load.Workload;
import io.madbase.report.LoadJunitReport;
import io.madbase.report.LoadTextReport;
import io.madbase.stack.Endpoint;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code madbase loadtest}: constant-rate load on the gateway (or any URL), measured truthfully.
 */
@Command(
    name = "loadtest",
    description = {
      "Load the gateway (or any URL) at a constant rate and report latency honestly.",
      "Requests go out at their intended times whatever the server does (open model, as wrk2:"
          + " latency runs from each request's intended send time); the report has p50/p90/p99/p99.9/max,"
          + " throughput, errors by kind, late and not-sent requests, and the connections actually"
          + " established. Thresholds turn a miss into exit code 1 (docs/loadtest.md).",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 every threshold met, 1 a threshold missed (--p99, --max-error-rate, connections,",
      "pool leak), 2 bad flags, 3 no stack running or target unreachable."
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class LoadTest implements Callable<Integer> {
  static final String DEFAULT_PATH = "/rest/v1/items?limit=1";

  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin OutputOptions output;
  @Mixin VerbosityOptions verbosity;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Any HTTP server instead of the stack's gateway; its path is the default --path. No stack is needed (unless --check-pool-leaks).")
  URI url;

  @Option(
      names = "--target",
      paramLabel = "MEMBER",
      description =
          "Which of the running stack's gateways: 'gateway' (the first) or a member name such as gw2 (default: gateway).")
  String target;

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "100",
      description = "Requests per second, sent on schedule (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = {"-c", "--connections"},
      paramLabel = "C",
      defaultValue = "50",
      description = "Connections opened before the run and held (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "D",
      defaultValue = "30s",
      description = "How long the measured part runs (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      paramLabel = "D",
      defaultValue = "2s",
      description = "A first part at the same rate, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--path",
      paramLabel = "PATH",
      description = "GET this path (and query) every time (default: " + DEFAULT_PATH + ").")
  String path;

  @Option(
      names = "--mix",
      paramLabel = "R:W",
      description =
          "Reads and writes on the gateway's items table: R x GET /rest/v1/items?id=eq.N, W x POST /rest/v1/items, evenly interleaved.")
  String mix;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "NAME: VALUE",
      description =
          "A header on every request (repeatable; X-Project-Ref: default is always sent unless given).")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "D",
      defaultValue = "10s",
      description =
          "A request without a whole response after this fails as 'timeout' (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--connect-timeout",
      paramLabel = "D",
      defaultValue = "5s",
      description = "How long opening a connection may take (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(
      names = "--max-queue",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Requests that may wait for a free connection; more are not sent ('queue_full'). 0: rate x timeout, at least 1024.")
  int maxQueue;

  @Option(
      names = "--late-after",
      paramLabel = "D",
      description =
          "A request going out later than this after its intended time counts as late (default: one interval, at least 1ms).")
  Duration lateAfter;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Scheduler threads, each sending every N-th request (default: ${DEFAULT-VALUE}, which keeps up with tens of thousands a second).")
  int threads;

  @Option(
      names = "--p99",
      paramLabel = "D",
      description = "Threshold: p99 latency at most D (e.g. 500ms).")
  Duration p99;

  @Option(
      names = "--max-error-rate",
      paramLabel = "X",
      description = "Threshold: errors / scheduled requests at most X (0, 0.01 or 1%%).")
  String maxErrorRate;

  @Option(
      names = "--allow-fewer-connections",
      description =
          "Do not fail when fewer connections than --connections were established or held (it is still reported).")
  boolean allowFewerConnections;

  @Option(
      names = "--check-pool-leaks",
      description =
          "Count the gateway's sessions in pg_stat_activity before, during and after the run; a leak fails (needs the stack).")
  boolean checkPoolLeaks;

  @Option(
      names = "--settle-timeout",
      paramLabel = "D",
      defaultValue = "90s",
      description =
          "How long the pool-leak check waits after the run for the pools to settle (default: ${DEFAULT-VALUE}).")
  Duration settleTimeout;

  @Option(
      names = "--wait-for-baseline",
      description =
          "The pool-leak check also requires the session count to return to its baseline within --settle-timeout.")
  boolean waitForBaseline;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description = "Also write JUnit XML: one test case per threshold.")
  Path junit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LoadProgress progress =
        new LoadProgress(spec.commandLine().getErr(), verbosity.quiet() || output.json());
    List<String> problems = new ArrayList<>();
    Workload workload = workload(problems);
    Double errorRate = errorRate(problems);
    Map<String, String> hdrs = headers(problems);
    if (url != null && target != null) {
      problems.add("--url and --target exclude each other");
    }
    if (settleTimeout.isNegative() || settleTimeout.isZero()) {
      problems.add("--settle-timeout must be > 0");
    }
    // the stack's gateway is looked up only once the flags are known to be sound
    LoadConfig.Builder config =
        LoadConfig.builder(
                url != null ? url : URI.create("http://gateway"),
                workload == null ? new Workload.Get("/") : workload)
            .rate(rate)
            .connections(connections)
            .duration(duration)
            .warmup(warmup)
            .timeout(timeout)
            .connectTimeout(connectTimeout)
            .maxQueue(maxQueue)
            .lateAfter(lateAfter)
            .threads(threads)
            .headers(hdrs);
    problems.addAll(config.build().problems());
    if (!problems.isEmpty()) {
      throw MadbaseException.invalidInput(String.join("\n  ", problems));
    }
    if (junit != null) {
      // written after the run: a place that cannot hold it is found before the load, not after
      OutputPaths.checkFile("--junit", junit);
    }
    boolean needStack = url == null || checkPoolLeaks;
    try (StackLifecycle driver = needStack ? stack.attach() : null) {
      Member gateway = url == null ? gateway(driver) : null;
      LoadConfig load =
          gateway == null
              ? config.build()
              : config
                  .target(URI.create(driver.topology().endpoint(gateway, Port.GATEWAY).http()))
                  .build();
      PoolLeakCheck leaks = checkPoolLeaks ? poolLeakCheck(driver) : null;
      ProcessWatch watch = null;
      try {
        if (leaks != null) {
          var b = leaks.baseline();
          progress.note(
              "pool-leak check: "
                  + b.sessions()
                  + " gateway sessions in pg_stat_activity before the run "
                  + b.byApp());
        }
        watch = gateway == null ? null : processOf(driver, gateway);
        LoadResult result;
        progress.note(
            String.format(
                java.util.Locale.ROOT,
                "loadtest: %s %s at %s/s over %d connections for %s (+ %s warmup)",
                load.target(),
                load.workload().describe(),
                fmt(rate),
                connections,
                io.madbase.common.Durations.format(duration),
                io.madbase.common.Durations.format(warmup)));
        try (RunningLoad run = LoadGenerator.start(load, progress)) {
          if (leaks != null) {
            leaks.startSampling();
          }
          result = run.await();
        } finally {
          progress.close();
        }
        ProcessWatch.Result gw = watch == null ? null : watch.stop();
        PoolLeakCheck.Result leakResult = null;
        if (leaks != null) {
          progress.note(
              "pool-leak check: waiting for the pools to settle (at most "
                  + io.madbase.common.Durations.format(settleTimeout)
                  + ")");
          leakResult = leaks.settle(settleTimeout, waitForBaseline);
        }
        LoadReport report =
            LoadReport.of(
                result,
                leakResult,
                gw,
                new LoadReport.Thresholds(p99, errorRate, !allowFewerConnections, checkPoolLeaks));
        out.print(output.json() ? Json.write(report) + "\n" : LoadTextReport.render(report));
        out.flush();
        if (junit != null) {
          writeJunit(report);
        }
        return report.passed() ? 0 : 1;
      } finally {
        if (watch != null) {
          watch.close();
        }
        if (leaks != null) {
          leaks.close();
        }
      }
    }
  }

  private Workload workload(List<String> problems) {
    if (path != null && mix != null) {
      problems.add("--path and --mix exclude each other");
      return null;
    }
    if (mix != null) {
      var m = Workload.Mix.parse(mix);
      if (m.isEmpty()) {
        problems.add(
            "--mix must be READS:WRITES, two whole numbers such as 9:1 (got '" + mix + "')");
        return null;
      }
      return m.get();
    }
    String p = path;
    if (p == null
        && url != null
        && url.getRawPath() != null
        && !url.getRawPath().isEmpty()
        && !url.getRawPath().equals("/")) {
      p = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }
    if (p == null) {
      p = DEFAULT_PATH;
    }
    if (!p.startsWith("/")) {
      problems.add("--path must start with / (got '" + p + "')");
      return null;
    }
    return new Workload.Get(p);
  }

  private Double errorRate(List<String> problems) {
    if (maxErrorRate == null) {
      return null;
    }
    String s = maxErrorRate.strip();
    try {
      double v =
          s.endsWith("%")
              ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100
              : Double.parseDouble(s);
      if (v < 0 || v > 1 || Double.isNaN(v)) {
        problems.add(
            "--max-error-rate must be between 0 and 1 (or 0% and 100%) (got '"
                + maxErrorRate
                + "')");
        return null;
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(
          "--max-error-rate must be a number such as 0, 0.01 or 1% (got '" + maxErrorRate + "')");
      return null;
    }
  }

  private Map<String, String> headers(List<String> problems) {
    Map<String, String> h = new LinkedHashMap<>();
    for (String hv : headers) {
      int colon = hv.indexOf(':');
      if (colon <= 0) {
        problems.add("--header must be 'Name: value' (got '" + hv + "')");
        continue;
      }
      h.put(hv.substring(0, colon).strip(), hv.substring(colon + 1).strip());
    }
    if (h.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(LoadConfig.PROJECT_HEADER))) {
      h.put(LoadConfig.PROJECT_HEADER, "default");
    }
    return h;
  }

  private Member gateway(StackLifecycle driver) {
    List<Member> gateways = driver.topology().of(Role.GATEWAY);
    if (gateways.isEmpty()) {
      throw MadbaseException.environment(
          "the stack in "
              + driver.stateDir()
              + " has no gateway (gateway.instances: 0); aim at a server with --url");
    }
    if (target == null || target.equals("gateway")) {
      return gateways.get(0);
    }
    return gateways.stream()
        .filter(m -> m.name().equals(target))
        .findFirst()
        .orElseThrow(
            () ->
                MadbaseException.invalidInput(
                    "--target must be 'gateway' or one of "
                        + gateways.stream().map(Member::name).toList()
                        + " (got '"
                        + target
                        + "')"));
  }

  private static ProcessWatch processOf(StackLifecycle driver, Member gateway) {
    return driver.nodes().stream()
        .filter(n -> n.name().equals(gateway.name()) && n.alive())
        .findFirst()
        .map(NodeInfo::pid)
        .map(ProcessWatch::start)
        .orElse(null);
  }

  /** Every PostgreSQL node, the gateways' pool sizes from their environment, their /metrics. */
  private static PoolLeakCheck poolLeakCheck(StackLifecycle driver) {
    var spec = driver.spec();
    List<PoolLeakCheck.Node> nodes =
        driver.topology().of(Role.POSTGRES).stream()
            .map(
                m -> {
                  Endpoint pg = driver.topology().endpoint(m, Port.POSTGRES);
                  return new PoolLeakCheck.Node(m.name(), pg.host(), pg.port());
                })
            .toList();
    List<Member> gateways = driver.topology().of(Role.GATEWAY);
    int shared = 0;
    List<URI> metrics = new ArrayList<>();
    for (Member g : gateways) {
      Map<String, String> env = driver.gatewayEnv(g.name());
      int size =
          Integer.parseInt(
              env.getOrDefault(Setting.DB_POOL_SIZE.env(), Setting.DB_POOL_SIZE.defaultValue())
                  .strip());
      // the primary pool, and the replica pool when reads go to replicas
      shared = Math.max(shared, size * (env.containsKey("READ_REPLICA_URL") ? 2 : 1));
      metrics.add(URI.create(driver.topology().endpoint(g, Port.GATEWAY).http() + "/metrics"));
    }
    var ceiling =
        new PoolLeakCheck.Ceiling(shared, Setting.TENANT_POOL_SIZE, Math.max(1, gateways.size()));
    return new PoolLeakCheck(
        nodes, "postgres", driver.secrets().superuser().reveal(), ceiling, metrics);
  }

  private void writeJunit(LoadReport report) {
    try {
      Path f = junit.toAbsolutePath();
      if (f.getParent() != null) {
        Files.createDirectories(f.getParent());
      }
      Files.writeString(f, LoadJunitReport.render(report));
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + junit + ": " + e.getMessage());
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
