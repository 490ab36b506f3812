package io.madbase.gateway.cli;

import io.madbase.common.Setting;
import io.madbase.gateway.ConfigException;
import io.madbase.gateway.GatewayApp;
import io.madbase.gateway.GatewayConfig;
import io.madbase.gateway.PortTakenException;
import io.madbase.gateway.RunningGateway;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code madbase gateway} / {@code java -jar gateway-lite.jar}: runs the gateway until SIGTERM.
 * Settings come from the environment (the platform's variable names); a flag overrides its
 * variable. Exit codes: 0 clean shutdown, 2 bad configuration, 3 port taken.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Run gateway-lite: the data API, /functions/v1 proxy, /health, /ready and /metrics.",
      "Every flag overrides the environment variable of the same meaning (see docs/gateway.md)."
    },
    footer = {
      "",
      "Exit codes: 0 shut down cleanly, 2 invalid configuration, 3 environment (port taken)."
    })
public final class GatewayCommand implements Callable<Integer> {
  public static final int OK = 0;
  public static final int INVALID_INPUT = 2;
  public static final int ENVIRONMENT = 3;

  @Spec CommandSpec spec;

  @Option(names = "--port", description = "PORT (default 8080)")
  String port;

  @Option(names = "--bind", description = "BIND_HOST (default 0.0.0.0)")
  String bind;

  @Option(
      names = "--name",
      description = "GATEWAY_NAME, shown in X-Served-By (default gateway-lite)")
  String name;

  @Option(
      names = "--database-url",
      description = "DATABASE_URL: postgresql://user:password@host:port/db (writes)")
  String databaseUrl;

  @Option(
      names = "--read-replica-url",
      description = "READ_REPLICA_URL (reads; default: the primary)")
  String readReplicaUrl;

  @Option(
      names = "--redis-url",
      description =
          "REDIS_URL: redis://[:pw@]host:port/db or redis-sentinel://pw@h:p,h:p/db#master")
  String redisUrl;

  @Option(
      names = "--worker-upstream-urls",
      description = "WORKER_UPSTREAM_URLS: http://w1:9000,http://w2:9000")
  String workerUrls;

  @Option(
      names = "--worker-discovery-file",
      description = "WORKER_DISCOVERY_FILE: one worker URL a line")
  String workerFile;

  @Option(
      names = "--worker-discovery-interval",
      description = "WORKER_DISCOVERY_INTERVAL (default 30s)")
  String workerInterval;

  @Option(
      names = "--control-plane-url",
      description = "CONTROL_PLANE_URL: project configs and worker list over HTTP")
  String controlPlaneUrl;

  @Option(
      names = "--tls-cert",
      description = "TLS_CERT: PEM certificate chain (HTTPS with --tls-key)")
  String tlsCert;

  @Option(names = "--tls-key", description = "TLS_KEY: PEM private key")
  String tlsKey;

  @Option(names = "--shutdown-grace", description = "SHUTDOWN_GRACE (default 10s)")
  String shutdownGrace;

  @Option(
      names = "--drain-delay",
      description =
          "DRAIN_DELAY (default 0s): on SIGTERM, keep serving this long with /health failing before the listener closes, so a proxy in front takes the gateway out first")
  String drainDelay;

  @Option(names = "--hold-deadline", description = "HOLD_DEADLINE (default 20s)")
  String holdDeadline;

  @Option(
      names = "--hold-max",
      description = "HOLD_MAX: most requests held at once (default 2000); more get 503")
  String holdMax;

  @Option(names = "--project-config-ttl", description = "PROJECT_CONFIG_TTL (default 60s)")
  String projectConfigTtl;

  @Option(names = "--tenant-pool-max", description = "TENANT_POOL_MAX (default 100)")
  String tenantPoolMax;

  @Option(names = "--tenant-pool-idle", description = "TENANT_POOL_IDLE (default 300s)")
  String tenantPoolIdle;

  @Option(names = "--db-pool-size", description = "DB_POOL_SIZE (default 10)")
  String dbPoolSize;

  private final Map<String, String> env;

  public GatewayCommand() {
    this(System.getenv());
  }

  /** With another environment (tests). */
  public GatewayCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Map<Setting, String> flags = flags();
    Map<String, String> values = new HashMap<>(env);
    flags.forEach((s, v) -> values.put(s.env(), v));
    GatewayConfig config;
    try {
      config = GatewayConfig.from(values, s -> flags.containsKey(s) ? s.flag() : s.env());
    } catch (ConfigException e) {
      e.problems().forEach(p -> err.println("gateway: " + p));
      err.flush();
      return INVALID_INPUT;
    }
    ServeUntilSignalled signals = ServeUntilSignalled.arm();
    GatewayApp app = GatewayApp.create(config);
    RunningGateway running;
    try {
      running = app.start(config.port());
    } catch (PortTakenException e) {
      app.close();
      err.println("gateway: " + e.getMessage());
      err.flush();
      return ENVIRONMENT;
    } catch (ConfigException e) {
      app.close();
      e.problems().forEach(p -> err.println("gateway: " + p));
      err.flush();
      return INVALID_INPUT;
    }
    signals.serve(running);
    return running.shutDownCleanly() ? OK : 1;
  }

  private Map<Setting, String> flags() {
    Map<Setting, String> m = new EnumMap<>(Setting.class);
    put(m, Setting.PORT, port);
    put(m, Setting.BIND_HOST, bind);
    put(m, Setting.GATEWAY_NAME, name);
    put(m, Setting.DATABASE_URL, databaseUrl);
    put(m, Setting.READ_REPLICA_URL, readReplicaUrl);
    put(m, Setting.REDIS_URL, redisUrl);
    put(m, Setting.WORKER_UPSTREAM_URLS, workerUrls);
    put(m, Setting.WORKER_DISCOVERY_FILE, workerFile);
    put(m, Setting.WORKER_DISCOVERY_INTERVAL, workerInterval);
    put(m, Setting.CONTROL_PLANE_URL, controlPlaneUrl);
    put(m, Setting.TLS_CERT, tlsCert);
    put(m, Setting.TLS_KEY, tlsKey);
    put(m, Setting.SHUTDOWN_GRACE, shutdownGrace);
    put(m, Setting.DRAIN_DELAY, drainDelay);
    put(m, Setting.HOLD_DEADLINE, holdDeadline);
    put(m, Setting.HOLD_MAX, holdMax);
    put(m, Setting.PROJECT_CONFIG_TTL, projectConfigTtl);
    put(m, Setting.TENANT_POOL_MAX, tenantPoolMax);
    put(m, Setting.TENANT_POOL_IDLE, tenantPoolIdle);
    put(m, Setting.DB_POOL_SIZE, dbPoolSize);
    return m;
  }

  private static void put(Map<Setting, String> m, Setting s, String v) {
    if (v != null) {
      m.put(s, v);
    }
  }
}
