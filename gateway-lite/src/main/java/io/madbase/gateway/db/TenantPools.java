package io.madbase.gateway.db;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.zaxxer.hikari.HikariDataSource;
import io.madbase.common.Setting;
import io.madbase.gateway.DbUrl;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool per tenant (project with a database of its own), in a Caffeine cache with a
 * maximum size and a time-to-idle. An evicted pool is closed, so its connections leave {@code
 * pg_stat_activity}. Size eviction is Caffeine's W-TinyLFU: close to LRU here, and the pool just
 * created is never the one evicted (it enters the admission window).
 */
public final class TenantPools implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantPools.class);

  private record TenantPool(DbUrl url, HikariDataSource dataSource) {}

  private final Cache<String, TenantPool> pools;
  private final GatewayMetrics metrics;

  public TenantPools(
      int maxSize, Duration idle, Ticker ticker, Executor executor, GatewayMetrics metrics) {
    this.metrics = metrics;
    this.pools =
        Caffeine.newBuilder()
            .maximumSize(maxSize)
            .expireAfterAccess(idle)
            .ticker(ticker)
            .executor(executor)
            // idle pools are closed on time even when no request comes to trigger the cache's
            // upkeep
            .scheduler(Scheduler.systemScheduler())
            .removalListener(
                (String ref, TenantPool pool, RemovalCause cause) -> {
                  if (pool != null) {
                    closePool(ref, pool, cause);
                  }
                })
            .build();
  }

  /**
   * The pool of project {@code ref} for {@code url}; a changed URL replaces (and closes) the old
   * pool.
   */
  public HikariDataSource get(String ref, DbUrl url) {
    TenantPool pool =
        pools
            .asMap()
            .compute(
                ref,
                (k, existing) ->
                    existing != null
                            && existing.url().equals(url)
                            && !existing.dataSource().isClosed()
                        ? existing
                        : open(k, url));
    return pool.dataSource();
  }

  private TenantPool open(String ref, DbUrl url) {
    String name = Pools.tenantAppName(ref);
    HikariDataSource ds =
        Pools.open(name, url, name, Setting.TENANT_POOL_SIZE, 1, Pools.CONNECTION_TIMEOUT);
    metrics.registerPool("tenant:" + ref, ds);
    log.info("opened tenant pool for project {} ({})", ref, url);
    return new TenantPool(url, ds);
  }

  private void closePool(String ref, TenantPool pool, RemovalCause cause) {
    metrics.unregisterPool("tenant:" + ref);
    Pools.retire(pool.dataSource());
    log.info(
        "closed tenant pool for project {} ({})",
        ref,
        cause.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Runs the cache's pending upkeep now: expirations and evictions (tests advance a fake ticker
   * first).
   */
  public void cleanUp() {
    pools.cleanUp();
  }

  /** Whether project {@code ref} has a pool; looking does not count as using it. */
  public boolean isOpen(String ref) {
    return pools.policy().getIfPresentQuietly(ref) != null;
  }

  public long size() {
    pools.cleanUp();
    return pools.estimatedSize();
  }

  @Override
  public void close() {
    pools.invalidateAll();
    pools.cleanUp();
  }
}
