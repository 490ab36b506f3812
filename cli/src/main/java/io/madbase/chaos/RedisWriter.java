package io.madbase.chaos;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import io.madbase.stack.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Writes sequence-numbered keys to the Redis master found through the Sentinels (Lettuce), as a
 * Sentinel-aware client does: a broken connection, or a READONLY answer from a demoted master,
 * makes the next write ask the Sentinels again.
 */
public final class RedisWriter extends Probe {
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final String keyPrefix;
  private final UnaryOperator<String> memberAt;
  private StatefulRedisConnection<String, String> conn;

  /** The member the connection writes to (its announced address, named), "" when unknown. */
  private String servedBy = "";

  public RedisWriter(
      List<Endpoint> sentinels,
      UnaryOperator<Endpoint> reachable,
      UnaryOperator<String> memberAt,
      String masterName,
      String password,
      String probeId,
      Duration interval,
      RunClock clock,
      OpLog ops) {
    super("redis_writer", interval, clock, ops);
    this.memberAt = memberAt;
    this.keyPrefix = "madbase-probe:" + probeId + ":";
    RedisURI.Builder b = RedisURI.builder();
    for (Endpoint s : sentinels) {
      b.withSentinel(s.host(), s.port());
    }
    this.uri =
        b.withSentinelMasterId(masterName)
            .withPassword(password.toCharArray())
            .withTimeout(Duration.ofSeconds(1))
            .build();
    // the Sentinels name the master by the address it announces inside the stack; madbase
    // connects where that member is reachable from here (the same address on the local driver, a
    // published port on 127.0.0.1 for containers)
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(1)
            .socketAddressResolver(
                MappingSocketAddressResolver.create(
                    (HostAndPort hp) -> {
                      Endpoint to = reachable.apply(new Endpoint(hp.getHostText(), hp.getPort()));
                      return HostAndPort.of(to.host(), to.port());
                    }))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
            .build());
  }

  public String key(long seq) {
    return keyPrefix + seq;
  }

  @Override
  protected void operate(long seq, long intended) {
    boolean sent = false;
    try {
      if (conn == null || !conn.isOpen()) {
        conn = client.connect(uri);
        servedBy = servedBy(conn);
      }
      sent = true;
      conn.sync().set(key(seq), Long.toString(seq));
      record(seq, intended, Op.Outcome.OK, "", "", 0, servedBy);
    } catch (RedisCommandTimeoutException e) {
      record(seq, intended, Op.Outcome.UNKNOWN, "timeout", firstLine(e), 0, "");
      reset();
    } catch (RedisConnectionException e) {
      record(
          seq,
          intended,
          sent ? Op.Outcome.UNKNOWN : Op.Outcome.FAILED,
          "connection",
          firstLine(e),
          0,
          "");
      reset();
    } catch (RedisException e) {
      String msg = firstLine(e);
      String kind =
          msg.startsWith("READONLY")
              ? "read_only"
              : msg.contains("Connection closed") || msg.contains("not connected")
                  ? "connection"
                  : "redis_error";
      record(
          seq,
          intended,
          kind.equals("connection") && sent ? Op.Outcome.UNKNOWN : Op.Outcome.FAILED,
          kind,
          msg,
          0,
          "");
      reset();
    }
  }

  /**
   * Which member a new connection reached: its replica-announce-ip (the address it has inside the
   * stack), asked once per connection. A client that silently moves to another master after a
   * failover shows here.
   */
  private String servedBy(StatefulRedisConnection<String, String> c) {
    try {
      String ip = c.sync().configGet("replica-announce-ip").getOrDefault("replica-announce-ip", "");
      return ip.isEmpty() ? "" : memberAt.apply(ip);
    } catch (RedisException e) {
      return "";
    }
  }

  private void reset() {
    if (conn != null) {
      conn.closeAsync();
      conn = null;
    }
  }

  private static String firstLine(Exception e) {
    return HaproxyWriter.firstLine(String.valueOf(e.getMessage()));
  }

  /** A connection to the current master, for the ledger check after recovery. */
  public StatefulRedisConnection<String, String> connectToMaster() {
    return client.connect(uri);
  }

  @Override
  public void close() {
    super.close();
    reset();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
