package io.madbase.gateway.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.redis.RedisAccess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Project configs cached for a TTL in two levels: in memory (Caffeine, on an injectable ticker) and
 * in Redis (shared by gateways). A config changed at the source is served within the TTL: an entry
 * taken from Redis lives in memory only for what remains of its Redis TTL. Redis being down only
 * costs a trip to the source.
 */
public final class ProjectConfigCache {
  static final String KEY_PREFIX = "madbase:project:";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Entry(Optional<ProjectConfig> config, long lifetimeNanos) {}

  private final ProjectSource source;
  private final RedisAccess redis;
  private final Duration ttl;
  private final GatewayMetrics metrics;
  private final Cache<String, Entry> memory;

  public ProjectConfigCache(
      ProjectSource source,
      RedisAccess redis,
      Duration ttl,
      Ticker ticker,
      GatewayMetrics metrics) {
    this.source = source;
    this.redis = redis;
    this.ttl = ttl;
    this.metrics = metrics;
    this.memory =
        Caffeine.newBuilder()
            .ticker(ticker)
            .maximumSize(10_000)
            .expireAfter(
                Expiry.<String, Entry>creating((k, e) -> Duration.ofNanos(e.lifetimeNanos())))
            .build();
  }

  public Optional<ProjectConfig> get(String ref) {
    Entry cached = memory.getIfPresent(ref);
    metrics.cache("project_config", cached != null);
    if (cached != null) {
      return cached.config();
    }
    Entry loaded = fromRedis(ref).orElseGet(() -> fromSource(ref));
    memory.put(ref, loaded);
    return loaded.config();
  }

  private Optional<Entry> fromRedis(String ref) {
    Optional<List<String>> hit =
        redis.call(
            "project_config",
            r -> {
              String v = r.get(KEY_PREFIX + ref);
              return v == null ? null : List.of(v, Long.toString(r.pttl(KEY_PREFIX + ref)));
            });
    if (redis.isConfigured()) {
      metrics.cache("project_config_redis", hit.isPresent());
    }
    if (hit.isEmpty()) {
      return Optional.empty();
    }
    long remainingMs = Long.parseLong(hit.get().get(1));
    if (remainingMs <= 0) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(hit.get().get(0));
      Optional<ProjectConfig> config =
          n.path("found").asBoolean(true)
              ? Optional.of(ProjectConfig.fromJson(n))
              : Optional.empty();
      return Optional.of(
          new Entry(config, Math.min(ttl.toNanos(), Duration.ofMillis(remainingMs).toNanos())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty(); // a bad cache entry: go to the source
    }
  }

  private Entry fromSource(String ref) {
    Optional<ProjectConfig> config = source.find(ref);
    String json = config.map(c -> c.toJson().toString()).orElse("{\"found\":false}");
    redis.call("project_config", r -> r.psetex(KEY_PREFIX + ref, ttl.toMillis(), json));
    return new Entry(config, ttl.toNanos());
  }

  /** Forgets every cached config in memory (tests; an operator's "reload now"). */
  public void invalidateAll() {
    memory.invalidateAll();
  }
}
