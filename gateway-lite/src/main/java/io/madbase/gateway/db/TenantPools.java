package io.madbase.gateway.db;

import com.github.benmanes.caffeine.cache.Ticker;
import com.zaxxer.hikari.HikariDataSource;
import io.madbase.common.Setting;
import io.madbase.gateway.DbUrl;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool per tenant (project with a database of its own): at most {@code maxSize},
 * evicted least-recently-used, and each closed after {@code idle} unused. A dropped pool is
 * retired, so its sessions leave {@code pg_stat_activity} once the work on them is done.
 */
public final class TenantPools implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantPools.class);

  /** How often idle pools are looked for: they close on time even when no request comes. */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  private record TenantPool(DbUrl url, HikariDataSource dataSource) {}

  private final IdleLru<String, TenantPool> pools;
  private final Executor closer;
  private final GatewayMetrics metrics;
  private final ScheduledExecutorService sweeper;

  public TenantPools(
      int maxSize, Duration idle, Ticker ticker, Executor closer, GatewayMetrics metrics) {
    this.pools = new IdleLru<>(maxSize, idle, ticker);
    this.closer = closer;
    this.metrics = metrics;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenant-pool-sweeper");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(
        this::cleanUp, SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The pool of project {@code ref} for {@code url}, marked as used; a changed URL replaces (and
   * retires) the old pool, and a new pool past the maximum retires the least recently used one.
   */
  public HikariDataSource get(String ref, DbUrl url) {
    IdleLru.Use<String, TenantPool> use =
        pools.use(
            ref,
            existing -> existing.url().equals(url) && !existing.dataSource().isClosed(),
            k -> open(k, url));
    retire(use.dropped());
    return use.value().dataSource();
  }

  private TenantPool open(String ref, DbUrl url) {
    String name = Pools.tenantAppName(ref);
    HikariDataSource ds =
        Pools.open(name, url, name, Setting.TENANT_POOL_SIZE, 1, Pools.CONNECTION_TIMEOUT);
    metrics.registerPool("tenant:" + ref, ds);
    log.info("opened tenant pool for project {} ({})", ref, url);
    return new TenantPool(url, ds);
  }

  private void retire(List<IdleLru.Dropped<String, TenantPool>> dropped) {
    for (IdleLru.Dropped<String, TenantPool> d : dropped) {
      metrics.unregisterPool("tenant:" + d.key(), d.value().dataSource());
      // off the caller's thread: retiring waits for the requests still running on the pool
      closer.execute(
          () -> {
            Pools.retire(d.value().dataSource());
            log.info("closed tenant pool for project {} ({})", d.key(), d.cause());
          });
    }
  }

  /** Closes the pools idle for too long now (tests advance a fake ticker first). */
  public void cleanUp() {
    retire(pools.expire());
  }

  /** Whether project {@code ref} has a pool; looking does not count as using it. */
  public boolean isOpen(String ref) {
    return pools.contains(ref);
  }

  public long size() {
    return pools.size();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    try {
      retire(pools.clear());
    } catch (RejectedExecutionException e) {
      log.debug("the pool closer is shut down already: {}", e.getMessage());
    }
  }
}
