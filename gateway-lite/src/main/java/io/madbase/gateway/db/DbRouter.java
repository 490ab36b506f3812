package io.madbase.gateway.db;

import com.zaxxer.hikari.HikariDataSource;
import io.madbase.gateway.DbUrl;
import io.madbase.gateway.http.ApiException;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.project.ProjectConfig;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the pool for each operation: writes go to the primary; reads go to the replica pool when
 * {@code READ_REPLICA_URL} is set (falling back to the primary while the replica does not answer),
 * to the primary otherwise; a project with a database of its own uses its tenant pool for both. It
 * also watches the primary for {@code /ready}.
 */
public final class DbRouter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DbRouter.class);
  public static final String PRIMARY = "primary";
  public static final String REPLICA = "replica";

  /** After a failed replica read, reads skip the replica for this long. */
  static final Duration REPLICA_MARK_DOWN = Duration.ofSeconds(2);

  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  /** While the primary is down it is looked at five times as often, to notice its return. */
  private static final Duration PROBE_INTERVAL_DOWN = Duration.ofMillis(200);

  /** A result with where it was served and how many retries it took. */
  public record Routed<T>(T value, int retries, String route, String pool) {}

  private final DbUrl primaryUrl;
  private final int poolSize;
  private volatile HikariDataSource primary;
  private final Optional<HikariDataSource> replica;
  private final TenantPools tenants;
  private final HoldingExecutor executor;
  private final GatewayMetrics metrics;
  private final ScheduledExecutorService prober;
  private volatile long replicaDownUntil;
  private volatile boolean primaryUp;
  private volatile boolean closed;

  public DbRouter(
      DbUrl primaryUrl,
      Optional<DbUrl> replicaUrl,
      int poolSize,
      TenantPools tenants,
      HoldingExecutor executor,
      GatewayMetrics metrics) {
    this.primaryUrl = primaryUrl;
    this.tenants = tenants;
    this.executor = executor;
    this.metrics = metrics;
    this.poolSize = poolSize;
    this.primary =
        Pools.open(
            "gateway-primary", primaryUrl, Pools.APP_NAME, poolSize, 2, Pools.CONNECTION_TIMEOUT);
    metrics.registerPool(PRIMARY, primary);
    this.replica =
        replicaUrl.map(
            u ->
                Pools.open(
                    "gateway-replica",
                    u,
                    Pools.APP_NAME,
                    poolSize,
                    2,
                    Pools.REPLICA_CONNECTION_TIMEOUT));
    replica.ifPresent(r -> metrics.registerPool(REPLICA, r));
    metrics.gauge("gateway.primary.up", () -> primaryUp ? 1 : 0);
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "primary-probe");
              t.setDaemon(true);
              return t;
            });
    prober.execute(this::probePrimary);
  }

  /** Whether the primary answered the last probe as a primary (not in recovery). */
  public boolean primaryUp() {
    return primaryUp;
  }

  /**
   * Looks at the primary over a connection of its own, not the pool's: during an outage HikariCP
   * backs off its attempts to open connections (up to 5 s between tries), which would hide the
   * primary's return. When the primary comes back after being down, the pool is replaced by a fresh
   * one, so held requests get connections at once instead of after the old pool's backoff.
   */
  private void probePrimary() {
    boolean up = primaryAnswersAsPrimary();
    if (up != primaryUp && !closed) {
      log.info("primary {} is {}", primaryUrl, up ? "up" : "down");
      if (up && everUp) {
        replacePrimaryPool();
      }
    }
    everUp |= up;
    primaryUp = up;
    if (!closed) {
      try {
        prober.schedule(
            this::probePrimary,
            (up ? PROBE_INTERVAL : PROBE_INTERVAL_DOWN).toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private volatile boolean everUp;

  /**
   * One query on the probe's own connection, kept open between looks (opening one costs a
   * SCRAM-SHA-256 handshake: measured at ~7 % of the gateway's CPU when done every second). A
   * broken connection (HAProxy cuts sessions to a node it marks down) is reopened on the next look.
   */
  private boolean primaryAnswersAsPrimary() {
    try {
      if (probeConnection == null) {
        java.util.Properties props = new java.util.Properties();
        primaryUrl.userName().ifPresent(u -> props.setProperty("user", u));
        if (primaryUrl.password() != null) {
          props.setProperty("password", primaryUrl.password());
        }
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "2");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", Pools.APP_NAME + "/probe");
        probeConnection = java.sql.DriverManager.getConnection(primaryUrl.jdbcUrl(), props);
      }
      try (Statement s = probeConnection.createStatement();
          var rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() && !rs.getBoolean(1);
      }
    } catch (SQLException | RuntimeException e) {
      closeProbeConnection();
      return false;
    }
  }

  private void closeProbeConnection() {
    if (probeConnection != null) {
      try {
        probeConnection.close();
      } catch (SQLException ignored) {
        // broken already
      }
      probeConnection = null;
    }
  }

  /** Used by the probe thread only. */
  private java.sql.Connection probeConnection;

  private void replacePrimaryPool() {
    HikariDataSource fresh =
        Pools.open(
            "gateway-primary", primaryUrl, Pools.APP_NAME, poolSize, 2, Pools.CONNECTION_TIMEOUT);
    HikariDataSource old = primary;
    primary = fresh;
    metrics.unregisterPool(PRIMARY);
    metrics.registerPool(PRIMARY, fresh);
    // retire the old pool off this thread: it waits for the work that holds its connections
    Thread closer = new Thread(() -> Pools.retire(old), "primary-pool-retire");
    closer.setDaemon(true);
    closer.start();
    log.info("primary pool replaced after the primary came back");
  }

  /**
   * A read for {@code project}: its tenant pool, else the replica (falling back), else the primary.
   */
  public <T> Routed<T> read(ProjectConfig project, SqlWork<T> work) throws SQLException {
    Optional<Routed<T>> tenant = onTenant(project, HoldingExecutor.Safety.RETRY_SAFE, work);
    return tenant.isPresent() ? tenant.get() : readShared(work);
  }

  /** A read on the shared pools: the replica when set and answering, else the primary. */
  public <T> Routed<T> readShared(SqlWork<T> work) throws SQLException {
    if (replica.isPresent() && System.nanoTime() - replicaDownUntil > 0) {
      try {
        return new Routed<>(HoldingExecutor.once(replica.get(), work), 0, REPLICA, Pools.APP_NAME);
      } catch (SQLException e) {
        if (SqlFailure.of(e) == SqlFailure.PERMANENT) {
          throw e;
        }
        if (busy(e, replica.get())) {
          // every replica connection is in use and the replica answers: this read overflows to
          // the primary, the next ones still go to the replica
          metrics.replicaBusy();
        } else {
          replicaDownUntil = System.nanoTime() + REPLICA_MARK_DOWN.toNanos();
          metrics.replicaFallback();
          log.warn(
              "replica read failed ({}); reads go to the primary for {} ms",
              e.getSQLState(),
              REPLICA_MARK_DOWN.toMillis());
        }
      }
    }
    return onPrimary(HoldingExecutor.Safety.RETRY_SAFE, work);
  }

  /**
   * Whether {@code e} is HikariCP's "no connection within the connection timeout" from a pool whose
   * connections are all busy, as opposed to one that cannot reach its server. HikariCP attaches the
   * last failure to open a connection as the cause, and clears it when one opens; a busy pool under
   * load (or a GC pause) has none. Marking a busy replica down sent every read to the primary for 2
   * s at a time under load (seen in the benchmark as "replica read failed (null)").
   */
  private static boolean busy(SQLException e, HikariDataSource pool) {
    var bean = pool.getHikariPoolMXBean();
    return e instanceof SQLTransientConnectionException
        && e.getCause() == null
        && bean != null
        && bean.getTotalConnections() > 0;
  }

  /** A write for {@code project}: its tenant pool, else the primary. */
  public <T> Routed<T> write(ProjectConfig project, HoldingExecutor.Safety safety, SqlWork<T> work)
      throws SQLException {
    Optional<Routed<T>> tenant = onTenant(project, safety, work);
    return tenant.isPresent() ? tenant.get() : onPrimary(safety, work);
  }

  private <T> Routed<T> onPrimary(HoldingExecutor.Safety safety, SqlWork<T> work)
      throws SQLException {
    HoldingExecutor.Held<T> held = executor.hold(PRIMARY, () -> primary, safety, work);
    return new Routed<>(held.value(), held.retries(), PRIMARY, Pools.APP_NAME);
  }

  private <T> Optional<Routed<T>> onTenant(
      ProjectConfig project, HoldingExecutor.Safety safety, SqlWork<T> work) throws SQLException {
    if (project.dbUrl().isEmpty()) {
      return Optional.empty();
    }
    DbUrl url;
    try {
      url = DbUrl.parse(project.dbUrl().get()).withCredentialsFrom(primaryUrl);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          500,
          "bad_project_config",
          "project " + project.ref() + " has a bad db_url: " + e.getMessage());
    }
    DataSource ds = tenants.get(project.ref(), url);
    HoldingExecutor.Held<T> held = executor.hold(PRIMARY, ds, safety, work);
    return Optional.of(
        new Routed<>(held.value(), held.retries(), PRIMARY, Pools.tenantAppName(project.ref())));
  }

  /** A name for the pool a project's statements use (catalog caching). */
  public String poolKey(ProjectConfig project) {
    return project.dbUrl().map(u -> "tenant:" + project.ref()).orElse("shared");
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    prober.shutdownNow();
    try {
      prober.awaitTermination(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeProbeConnection();
    tenants.close();
    replica.ifPresent(HikariDataSource::close);
    primary.close();
  }
}
