package io.madbase.gateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.madbase.common.Masking;
import io.madbase.gateway.RedisTarget;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis through Lettuce, Sentinel-aware, and never in the way: every call is bounded by a short
 * timeout, commands are rejected rather than queued while disconnected, and any failure answers "no
 * value" so the caller goes to the database instead. The first connection is made in the
 * background, so an unreachable Redis does not hold up the gateway's start.
 */
public final class RedisAccess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisAccess.class);
  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  private static final long CONNECT_RETRY_MS = 2000;

  private final GatewayMetrics metrics;
  private final RedisClient client;
  private final RedisURI uri;
  private final String description;
  private final ScheduledExecutorService connector;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean closed;

  private RedisAccess(GatewayMetrics metrics, RedisTarget target) {
    this.metrics = metrics;
    if (target == null) {
      client = null;
      uri = null;
      description = "none";
      connector = null;
      return;
    }
    this.description = target.toString();
    this.uri = toUri(target);
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // fail fast while reconnecting (e.g. during a Sentinel failover): the caller falls back
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .keepAlive(true)
                    .build())
            .build());
    this.connector =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "redis-connect");
              t.setDaemon(true);
              return t;
            });
    connector.execute(this::connectOrRetry);
  }

  /** Without Redis: every call falls back. */
  public static RedisAccess disabled(GatewayMetrics metrics) {
    return new RedisAccess(metrics, null);
  }

  public static RedisAccess connect(RedisTarget target, GatewayMetrics metrics) {
    return new RedisAccess(metrics, target);
  }

  /**
   * The Lettuce URI. The Sentinel form's password goes to the data nodes only: Lettuce 6 applies a
   * URI's password to the master it connects to, and a Sentinel's own password only when given for
   * that Sentinel ({@code withSentinel(host, port, password)}), which the local stack does not use.
   */
  static RedisURI toUri(RedisTarget target) {
    RedisURI.Builder b;
    if (target instanceof RedisTarget.Sentinel s) {
      b =
          RedisURI.Builder.sentinel(
              s.sentinels().get(0).host(), s.sentinels().get(0).port(), s.masterName());
      s.sentinels().stream().skip(1).forEach(h -> b.withSentinel(h.host(), h.port()));
    } else {
      RedisTarget.Standalone s = (RedisTarget.Standalone) target;
      b = RedisURI.Builder.redis(s.node().host(), s.node().port());
    }
    target.password().ifPresent(p -> b.withPassword(p.toCharArray()));
    return b.withDatabase(target.database()).withTimeout(COMMAND_TIMEOUT).build();
  }

  private void connectOrRetry() {
    if (closed) {
      return;
    }
    try {
      connection = client.connect(StringCodec.UTF8, uri);
      log.info("redis connected ({})", description);
    } catch (RuntimeException e) {
      log.warn(
          "redis {} not reachable yet ({}); retrying in {} ms, requests go on without it",
          description,
          Masking.mask(e.getMessage()),
          CONNECT_RETRY_MS);
      if (!closed) {
        connector.schedule(this::connectOrRetry, CONNECT_RETRY_MS, TimeUnit.MILLISECONDS);
      }
    }
  }

  public boolean isConfigured() {
    return client != null;
  }

  public boolean isConnected() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen();
  }

  /**
   * Runs {@code command}; empty when it answered null, when Redis is not configured or not
   * reachable, or when the command failed or timed out (counted as a fallback for {@code use}).
   */
  public <T> Optional<T> call(String use, Function<RedisCommands<String, String>, T> command) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || closed) {
      if (client != null) {
        metrics.redisFallback(use);
      }
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(command.apply(c.sync()));
    } catch (RuntimeException e) {
      metrics.redisFallback(use);
      log.debug("redis {} failed for {}: {}", description, use, Masking.mask(e.getMessage()));
      return Optional.empty();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (connector != null) {
      connector.shutdownNow();
    }
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
