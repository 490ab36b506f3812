package io.madbase.gateway.metrics;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's metrics, all prefixed {@code gateway_}, scraped from {@code GET /metrics}: requests
 * and latency, retries and held requests, pool gauges per pool, cache hits and misses, Redis
 * fallbacks, unknown write outcomes, worker upstreams.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private record PoolMeters(HikariDataSource dataSource, List<Meter> meters) {}

  private final Map<String, PoolMeters> poolMeters = new ConcurrentHashMap<>();

  public String scrape() {
    return registry.scrape();
  }

  public void request(String method, String route, int status, Duration took) {
    Timer.builder("gateway.requests")
        .description("HTTP requests served, by method, route template and status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  /** One retry of a database operation (the request is being held). */
  public void retry(String route) {
    Counter.builder("gateway.retries").tag("db_route", route).register(registry).increment();
  }

  /**
   * A request that needed at least one retry, by how it ended: served, expired, outcome_unknown.
   */
  public void held(String outcome) {
    Counter.builder("gateway.held.requests").tag("outcome", outcome).register(registry).increment();
  }

  public void cache(String cache, boolean hit) {
    Counter.builder(hit ? "gateway.cache.hits" : "gateway.cache.misses")
        .tag("cache", cache)
        .register(registry)
        .increment();
  }

  /** Redis was unavailable for {@code use}; the request went on without it. */
  public void redisFallback(String use) {
    Counter.builder("gateway.redis.fallbacks").tag("use", use).register(registry).increment();
  }

  public void writeOutcomeUnknown() {
    Counter.builder("gateway.write.outcome.unknown").register(registry).increment();
  }

  public void replicaFallback() {
    Counter.builder("gateway.replica.fallbacks").register(registry).increment();
  }

  /** A read that found every replica connection busy and was served by the primary. */
  public void replicaBusy() {
    Counter.builder("gateway.replica.busy").register(registry).increment();
  }

  public void gauge(String name, Supplier<Number> value) {
    Gauge.builder(name, value).register(registry);
  }

  /**
   * Active, idle and all ({@code gateway_pool_connections}) connections of one pool, tagged {@code
   * pool}; they replace the gauges of an earlier pool of the same name (Micrometer would otherwise
   * keep the first one registered), and are removed by {@link #unregisterPool}.
   */
  public synchronized void registerPool(String pool, HikariDataSource ds) {
    unregisterPool(pool);
    List<Meter> meters = new ArrayList<>();
    meters.add(
        Gauge.builder("gateway.pool.active", ds, d -> stat(d, true, false))
            .tag("pool", pool)
            .register(registry));
    meters.add(
        Gauge.builder("gateway.pool.idle", ds, d -> stat(d, false, true))
            .tag("pool", pool)
            .register(registry));
    meters.add(
        Gauge.builder("gateway.pool.connections", ds, d -> stat(d, true, true))
            .tag("pool", pool)
            .register(registry));
    poolMeters.put(pool, new PoolMeters(ds, meters));
  }

  public synchronized void unregisterPool(String pool) {
    PoolMeters m = poolMeters.remove(pool);
    if (m != null) {
      m.meters().forEach(registry::remove);
    }
  }

  /**
   * Removes the gauges of {@code pool} if they are {@code ds}'s: a tenant pool retired after a new
   * one of the same name opened keeps the new one's.
   */
  public synchronized void unregisterPool(String pool, HikariDataSource ds) {
    PoolMeters m = poolMeters.get(pool);
    if (m != null && m.dataSource() == ds) {
      unregisterPool(pool);
    }
  }

  private static double stat(HikariDataSource ds, boolean active, boolean idle) {
    var mx = ds.getHikariPoolMXBean();
    if (mx == null || ds.isClosed()) {
      return 0;
    }
    return (active ? mx.getActiveConnections() : 0) + (idle ? mx.getIdleConnections() : 0);
  }
}
