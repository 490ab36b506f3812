package io.madbase.gateway.db;

import com.zaxxer.hikari.HikariDataSource;
import io.madbase.gateway.DbUrl;
import io.madbase.gateway.db.HoldingExecutor.Held;
import io.madbase.gateway.db.HoldingExecutor.Safety;
import io.madbase.gateway.db.HoldingExecutor.Target;
import io.madbase.gateway.http.ApiException;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.project.ProjectConfig;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the pool for each operation: writes go to the primary; reads go to the replica pool when
 * {@code READ_REPLICA_URL} is set, to the primary otherwise; a project with a database of its own
 * uses its tenant pool for both. Replica reads run on the request's thread (the fast path); work on
 * the primary and tenant pools runs on lanes of their own, so a primary that stops answering holds
 * writes without taking the threads reads are served on. It also watches the primary for {@code
 * /ready}.
 */
public final class DbRouter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DbRouter.class);
  public static final String PRIMARY = "primary";
  public static final String REPLICA = "replica";

  /** After a failed replica read, reads skip the replica for this long while the primary is up. */
  static final Duration REPLICA_MARK_DOWN = Duration.ofSeconds(2);

  /**
   * A replica read whose session was cut is tried on the replicas this long before it may go to the
   * primary (backoff 50 ms doubling: about four tries).
   */
  static final Duration REPLICA_RETRY = Duration.ofSeconds(1);

  /** Threads of the tenant lane: tenant pools have 5 connections each. */
  private static final int TENANT_LANE_THREADS = 16;

  /** A result with where it was served and how many retries it took. */
  public record Routed<T>(T value, int retries, String route, String pool) {}

  private final DbUrl primaryUrl;
  private final int poolSize;
  private volatile HikariDataSource primary;
  private final Optional<HikariDataSource> replica;
  private final TenantPools tenants;
  private final HoldingExecutor executor;
  private final GatewayMetrics metrics;
  private final PrimaryWatch watch;
  // as many threads as the pool has connections: more would only wait for one
  private final ExecutorService primaryLane;
  private final ExecutorService replicaLane;
  private final ExecutorService tenantLane;
  private final Optional<Target> replicaTarget;
  private volatile long replicaDownUntil;
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
    this.primaryLane = Lanes.fixed("db-primary", poolSize);
    this.replicaLane = Lanes.fixed("db-replica", poolSize);
    this.tenantLane = Lanes.fixed("db-tenant", TENANT_LANE_THREADS);
    this.replicaTarget =
        replica.map(r -> new Target(REPLICA, r, replicaLane, null, e -> replicaFailed(e)));
    this.watch = new PrimaryWatch(primaryUrl, this::replacePrimaryPool);
    metrics.gauge("gateway.primary.up", () -> watch.up() ? 1 : 0);
    metrics.gauge("gateway.held.waiting.primary", watch::waitingCount);
  }

  /** Whether the primary answered the last probe as a primary (not in recovery). */
  public boolean primaryUp() {
    return watch.up();
  }

  /**
   * Runs on the probe's thread when the primary answers again after being down, before the held
   * requests are woken: during an outage HikariCP backs off its own connection attempts (up to 5 s
   * between tries), and an old pool could sleep through the primary's return.
   */
  private void replacePrimaryPool() {
    if (closed) {
      return;
    }
    HikariDataSource fresh =
        Pools.open(
            "gateway-primary", primaryUrl, Pools.APP_NAME, poolSize, 2, Pools.CONNECTION_TIMEOUT);
    HikariDataSource old = primary;
    primary = fresh;
    metrics.registerPool(PRIMARY, fresh);
    // retire the old pool off this thread: it waits for the work that holds its connections
    Thread closer = new Thread(() -> Pools.retire(old), "primary-pool-retire");
    closer.setDaemon(true);
    closer.start();
    log.info("primary pool replaced after the primary came back");
  }

  private Target primaryTarget() {
    return new Target(PRIMARY, primary, primaryLane, watch);
  }

  /**
   * A read for {@code project}: its tenant pool, else the replica (falling back), else the primary.
   */
  public <T> CompletableFuture<Routed<T>> read(ProjectConfig project, SqlWork<T> work) {
    return project.dbUrl().isPresent()
        ? onTenant(project, Safety.RETRY_SAFE, work)
        : readShared(work);
  }

  /**
   * A read on the shared pools. With a replica: tried there once on the caller's thread; if that
   * fails it is held, retried on the primary while the primary is up and on the replicas while it
   * is not (a failover: HAProxy's replicas port routes to a replica still standing). Without one:
   * the primary.
   */
  public <T> CompletableFuture<Routed<T>> readShared(SqlWork<T> work) {
    if (replica.isEmpty()) {
      return shared(executor.hold(this::primaryTarget, Safety.RETRY_SAFE, work));
    }
    // a replica marked down is skipped only while the primary can take its reads
    if (replicaAnswering() || !watch.up()) {
      try {
        return CompletableFuture.completedFuture(
            new Routed<>(HoldingExecutor.once(replica.get(), work), 0, REPLICA, Pools.APP_NAME));
      } catch (SQLException e) {
        SqlFailure kind = SqlFailure.of(e);
        if (kind == SqlFailure.PERMANENT) {
          return CompletableFuture.failedFuture(e);
        }
        if (kind == SqlFailure.CONNECTION_LOST) {
          // the session was cut under the read: HAProxy shuts down the sessions of a replica it
          // takes out of the replicas port (one promoted in a failover), and the port still has
          // others. Tried there again rather than on the primary, which is busiest just then
          // (every held write is served as it comes back): such reads once took the primary's
          // lane behind them, and a tenth of a second's reads waited
          long until = System.nanoTime() + REPLICA_RETRY.toNanos();
          return shared(
              executor.hold(
                  () ->
                      System.nanoTime() - until < 0 && replicaAnswering()
                          ? replicaTarget.get()
                          : heldReadTarget(),
                  Safety.RETRY_SAFE,
                  work,
                  1));
        }
        // a busy pool's overflow is no retry; a replica that failed is
        int tried = replicaFailed(e) ? 0 : 1;
        return shared(executor.hold(this::heldReadTarget, Safety.RETRY_SAFE, work, tried));
      }
    }
    return shared(executor.hold(this::heldReadTarget, Safety.RETRY_SAFE, work));
  }

  private boolean replicaAnswering() {
    return System.nanoTime() - replicaDownUntil > 0;
  }

  /**
   * A replica read that got no connection: overflow when the pool is only busy (true); else the
   * replica is marked down, and reads go to the primary for a while when it is up.
   */
  private boolean replicaFailed(SQLException e) {
    if (SqlFailure.of(e) != SqlFailure.NOT_SENT) {
      return false; // a cut session says nothing about the replicas port itself
    }
    if (busy(e, replica.get())) {
      // every replica connection is in use and the replica answers: this read overflows (to the
      // primary while it is up), the next ones still go to the replica
      metrics.replicaBusy();
      return true;
    }
    replicaDownUntil = System.nanoTime() + REPLICA_MARK_DOWN.toNanos();
    metrics.replicaFallback();
    log.warn(
        "replica read failed ({}); reads go to the primary for {} ms while it is up",
        e.getSQLState(),
        REPLICA_MARK_DOWN.toMillis());
    return false;
  }

  /**
   * Where a held read tries next: the primary while it is up, the replicas while it is not. Asked
   * before every try, so a read never waits for a primary while a replica could answer it (a read
   * that overflowed a busy replica pool once waited for the primary through a whole failover).
   */
  private Target heldReadTarget() {
    return watch.up() || replicaTarget.isEmpty() ? primaryTarget() : replicaTarget.get();
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
  public <T> CompletableFuture<Routed<T>> write(
      ProjectConfig project, Safety safety, SqlWork<T> work) {
    return project.dbUrl().isPresent()
        ? onTenant(project, safety, work)
        : shared(executor.hold(this::primaryTarget, safety, work));
  }

  private static <T> CompletableFuture<Routed<T>> shared(CompletableFuture<Held<T>> held) {
    return held.thenApply(h -> new Routed<>(h.value(), h.retries(), h.route(), Pools.APP_NAME));
  }

  private <T> CompletableFuture<Routed<T>> onTenant(
      ProjectConfig project, Safety safety, SqlWork<T> work) {
    DbUrl url;
    try {
      url = DbUrl.parse(project.dbUrl().get()).withCredentialsFrom(primaryUrl);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          500,
          "bad_project_config",
          "project " + project.ref() + " has a bad db_url: " + e.getMessage());
    }
    // asked on every try: a pool evicted meanwhile is opened again
    Supplier<Target> target =
        () -> new Target(PRIMARY, tenants.get(project.ref(), url), tenantLane, null);
    String pool = Pools.tenantAppName(project.ref());
    return executor
        .hold(target, safety, work)
        .thenApply(h -> new Routed<>(h.value(), h.retries(), h.route(), pool));
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
    watch.close();
    executor.close();
    Lanes.stop(primaryLane);
    Lanes.stop(replicaLane);
    Lanes.stop(tenantLane);
    tenants.close();
    replica.ifPresent(HikariDataSource::close);
    primary.close();
  }
}
