package io.madbase.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import io.javalin.Javalin;
import io.madbase.common.Durations;
import io.madbase.common.Masking;
import io.madbase.gateway.db.DbRouter;
import io.madbase.gateway.db.HoldLimit;
import io.madbase.gateway.db.HoldingExecutor;
import io.madbase.gateway.db.TenantPools;
import io.madbase.gateway.http.Handlers;
import io.madbase.gateway.http.PemKeyStore;
import io.madbase.gateway.http.Routes;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.project.ControlPlaneProjects;
import io.madbase.gateway.project.DatabaseProjects;
import io.madbase.gateway.project.ProjectConfigCache;
import io.madbase.gateway.project.ProjectSource;
import io.madbase.gateway.redis.RateLimiter;
import io.madbase.gateway.redis.RedisAccess;
import io.madbase.gateway.rest.DataApi;
import io.madbase.gateway.rest.TableCatalog;
import io.madbase.gateway.workers.WorkerDiscovery;
import io.madbase.gateway.workers.WorkerProxy;
import java.io.IOException;
import java.net.BindException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway-lite: created from a {@link GatewayConfig}, started on a port ({@code 0} in tests).
 * Creating it opens the pools (without failing when the database does not answer yet); {@link
 * #start} binds the listener and returns the {@link RunningGateway} to close.
 */
public final class GatewayApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

  /**
   * The listen backlog: room for a thousand connections arriving at once (the kernel caps it at
   * net.core.somaxconn).
   */
  static final int ACCEPT_QUEUE = 1024;

  /**
   * What tests may replace: the caches' ticker, the rate limiter's clock, the executor that closes
   * evicted pools.
   */
  public record Timing(Ticker ticker, Clock clock, Executor poolCloser) {
    public static Timing system() {
      // threads of their own: retiring a pool waits for its borrowed connections, which must not
      // hold up the common pool (one thread on two cores)
      return new Timing(
          Ticker.systemTicker(),
          Clock.systemUTC(),
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "pool-closer");
                t.setDaemon(true);
                return t;
              }));
    }
  }

  private final GatewayConfig config;
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final RedisAccess redis;
  private final TenantPools tenantPools;
  private final DbRouter router;
  private final ProjectConfigCache projects;
  private final WorkerDiscovery discovery;
  private final Handlers handlers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayApp(GatewayConfig config, Timing timing) {
    this.config = config;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.redis =
        config
            .redis()
            .map(t -> RedisAccess.connect(t, metrics))
            .orElseGet(() -> RedisAccess.disabled(metrics));
    this.tenantPools =
        new TenantPools(
            config.tenantPoolMaxSize(),
            config.tenantPoolIdle(),
            timing.ticker(),
            timing.poolCloser(),
            metrics);
    this.router =
        new DbRouter(
            config.databaseUrl(),
            config.readReplicaUrl(),
            config.dbPoolSize(),
            tenantPools,
            new HoldingExecutor(config.holdDeadline(), new HoldLimit(config.holdMax()), metrics),
            metrics);
    ProjectSource source =
        config
            .controlPlaneUrl()
            .<ProjectSource>map(u -> new ControlPlaneProjects(u, http))
            .orElseGet(() -> new DatabaseProjects(router));
    this.projects =
        new ProjectConfigCache(source, redis, config.projectConfigTtl(), timing.ticker(), metrics);
    this.discovery =
        new WorkerDiscovery(config.workers(), config.workerDiscoveryInterval(), http, metrics);
    this.handlers =
        new Handlers(
            config.name(),
            projects,
            new RateLimiter(redis, timing.clock()),
            new DataApi(router, new TableCatalog(metrics)),
            new WorkerProxy(discovery, http),
            router,
            metrics,
            shuttingDown::get);
  }

  public static GatewayApp create(GatewayConfig config) {
    return create(config, Timing.system());
  }

  public static GatewayApp create(GatewayConfig config, Timing timing) {
    log.info(
        "gateway {}: primary {}, replica {}, redis {}, workers {}, hold deadline {}, shutdown grace {}",
        config.name(),
        config.databaseUrl(),
        config.readReplicaUrl().map(Object::toString).orElse("none (reads go to the primary)"),
        config.redis().map(Object::toString).orElse("none"),
        describe(config.workers()),
        Durations.format(config.holdDeadline()),
        Durations.format(config.shutdownGrace()));
    return new GatewayApp(config, timing);
  }

  /**
   * Binds {@code bindHost}:{@code port} (HTTPS when TLS files are configured) and serves.
   *
   * @throws PortTakenException when the port is in use
   */
  public RunningGateway start(int port) {
    GracefulHandler graceful = new GracefulHandler();
    ServerConnector[] connector = new ServerConnector[1];
    Javalin javalin =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.jetty.modifyServer(
                  server -> {
                    // in place of the StatisticsHandler Javalin's default server puts first:
                    // nothing reads its counts, and every request paid for them
                    server.setHandler(graceful);
                    // the drain happens in RunningGateway.close before Jetty stops; this only
                    // bounds the rest
                    server.setStopTimeout(1000);
                  });
              cfg.jetty.addConnector(
                  (server, httpConfig) -> connector[0] = connector(server, httpConfig, port));
              Routes.install(cfg, handlers, metrics);
            });
    try {
      javalin.start();
    } catch (RuntimeException e) {
      safeStop(javalin);
      if (hasCause(e, BindException.class)) {
        throw new PortTakenException("port " + port + " on " + config.bindHost() + " is taken", e);
      }
      throw e;
    }
    if (javalin.jettyServer().server().getThreadPool() instanceof QueuedThreadPool threads) {
      // request threads at work: a held request should not be one of them (issue 12)
      metrics.gauge("gateway.http.threads.busy", threads::getBusyThreads);
    }
    int bound = connector[0].getLocalPort();
    log.info(
        "gateway {} listening on {}://{}:{}",
        config.name(),
        config.tls().isPresent() ? "https" : "http",
        config.bindHost(),
        bound);
    return new RunningGateway(this, javalin, connector[0], graceful, bound);
  }

  private ServerConnector connector(Server server, HttpConfiguration httpConfig, int port) {
    ServerConnector c;
    if (config.tls().isPresent()) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      try {
        ssl.setKeyStore(
            PemKeyStore.load(config.tls().get().certificate(), config.tls().get().privateKey()));
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException(java.util.List.of("TLS_CERT/TLS_KEY: " + e.getMessage()));
      }
      ssl.setKeyStorePassword(PemKeyStore.PASSWORD);
      HttpConfiguration https = new HttpConfiguration(httpConfig);
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      src.setSniHostCheck(false); // certificates for IPs and names alike; clients verify the name
      https.addCustomizer(src);
      c =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    } else {
      c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
    }
    c.setHost(config.bindHost());
    c.setPort(port);
    // Jetty's default (0) leaves the JDK's listen backlog of 50: a thousand clients connecting at
    // once overflowed it (TcpExtListenOverflows), their handshakes completed only after SYN-ACK
    // retransmits and their first requests took 200 ms to 1 s more (issue 6, madbase loadtest)
    c.setAcceptQueueSize(ACCEPT_QUEUE);
    return c;
  }

  public GatewayConfig config() {
    return config;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public TenantPools tenantPools() {
    return tenantPools;
  }

  public WorkerDiscovery workerDiscovery() {
    return discovery;
  }

  public ProjectConfigCache projectConfigs() {
    return projects;
  }

  public RedisAccess redis() {
    return redis;
  }

  /** Readiness turns false: the first step of a graceful shutdown. */
  void beginShutdown() {
    shuttingDown.set(true);
  }

  public boolean isShuttingDown() {
    return shuttingDown.get();
  }

  /**
   * Closes pools, Redis and discovery (the listener is RunningGateway's). Closing twice is safe.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shuttingDown.set(true);
    discovery.close();
    router.close();
    redis.close();
  }

  private static void safeStop(Javalin javalin) {
    try {
      javalin.stop();
    } catch (RuntimeException e) {
      // nothing was serving
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(WorkerSource s) {
    if (s instanceof WorkerSource.Static st) {
      return st.urls().toString();
    }
    if (s instanceof WorkerSource.File f) {
      return "file " + f.path();
    }
    return s instanceof WorkerSource.ControlPlane cp
        ? "control plane " + Masking.mask(cp.baseUrl().toString())
        : "none";
  }
}
