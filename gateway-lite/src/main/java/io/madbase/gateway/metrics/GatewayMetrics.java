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

  /**
   * Meters by name and tags, looked up once: a Micrometer builder and register() on every request
   * (an Id built, its tags sorted, a registry lookup) cost more CPU than the recording itself.
   */
  private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private record RequestKey(String method, String route, int status) {}

  public String scrape() {
    return registry.scrape();
  }

  public void request(String method, String route, int status, Duration took) {
    requests
        .computeIfAbsent(
            new RequestKey(method, route, status),
            k ->
                Timer.builder("gateway.requests")
                    .description("HTTP requests served, by method, route template and status")
                    .tags("method", method, "route", route, "status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .register(registry))
        .record(took);
  }

  /** The counter {@code name}, with one tag or none ({@code tag} null). */
  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(
        tag == null ? name : name + '\0' + tag + '\0' + value,
        k ->
            (tag == null ? Counter.builder(name) : Counter.builder(name).tag(tag, value))
                .register(registry));
  }

  /** One retry of a database operation (the request is being held). */
  public void retry(String route) {
    counter("gateway.retries", "db_route", route).increment();
  }

  /**
   * A request that needed at least one retry, by how it ended: served, expired, outcome_unknown,
   * rejected.
   */
  public void held(String outcome) {
    counter("gateway.held.requests", "outcome", outcome).increment();
  }

  public void cache(String cache, boolean hit) {
    counter(hit ? "gateway.cache.hits" : "gateway.cache.misses", "cache", cache).increment();
  }

  /** Redis was unavailable for {@code use}; the request went on without it. */
  public void redisFallback(String use) {
    counter("gateway.redis.fallbacks", "use", use).increment();
  }

  public void writeOutcomeUnknown() {
    counter("gateway.write.outcome.unknown", null, null).increment();
  }

  public void replicaFallback() {
    counter("gateway.replica.fallbacks", null, null).increment();
  }

  /** A read that found every replica connection busy and was served by the primary. */
  public void replicaBusy() {
    counter("gateway.replica.busy", null, null).increment();
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
