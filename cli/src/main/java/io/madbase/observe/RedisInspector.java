package io.madbase.observe;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Looks at Redis nodes and Sentinels (Lettuce): a node's replication role, and what each Sentinel
 * believes about the master. Every call connects, asks and disconnects, bounded by a timeout, so a
 * dead or hung member costs a timeout and is reported as unreachable.
 */
public final class RedisInspector implements AutoCloseable {
  private final ClientResources resources;
  private final RedisClient client;
  private final Duration timeout;

  public RedisInspector(Duration timeout) {
    this.timeout = timeout;
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
  }

  /**
   * A Redis node's view of replication ({@code INFO replication}).
   *
   * @param role master or slave
   * @param masterHost for a replica: the master it follows
   * @param linkUp for a replica: master_link_status is up
   * @param connectedReplicas for a master: connected_slaves
   */
  public record NodeInfo(
      String role, String masterHost, int masterPort, boolean linkUp, int connectedReplicas) {
    public boolean master() {
      return "master".equals(role);
    }
  }

  /**
   * What one Sentinel believes.
   *
   * @param masterHost where it says the master is
   * @param flags the master's flags as it sees them (master, s_down, o_down, ...)
   * @param otherSentinels how many other sentinels it knows
   * @param replicas how many replicas it knows
   */
  public record SentinelView(
      String masterHost,
      int masterPort,
      String flags,
      int otherSentinels,
      int replicas,
      List<Map<String, String>> replicaDetails) {}

  public Optional<NodeInfo> node(io.madbase.stack.Endpoint at, String password) {
    return node(at.host(), at.port(), password);
  }

  public Optional<SentinelView> sentinel(io.madbase.stack.Endpoint at, String masterName) {
    return sentinel(at.host(), at.port(), masterName);
  }

  public Optional<NodeInfo> node(String host, int port, String password) {
    RedisURI uri =
        RedisURI.builder()
            .withHost(host)
            .withPort(port)
            .withTimeout(timeout)
            .withPassword(password.toCharArray())
            .build();
    try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
      Map<String, String> info = fields(c.sync().info("replication"));
      return Optional.of(
          new NodeInfo(
              info.getOrDefault("role", "?"),
              info.getOrDefault("master_host", ""),
              parseInt(info.get("master_port")),
              "up".equals(info.get("master_link_status")),
              parseInt(info.get("connected_slaves"))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code CONFIG GET} of {@code names} on a Redis node: each name with its value. */
  public Optional<Map<String, String>> config(
      io.madbase.stack.Endpoint at, String password, String... names) {
    RedisURI uri =
        RedisURI.builder()
            .withHost(at.host())
            .withPort(at.port())
            .withTimeout(timeout)
            .withPassword(password.toCharArray())
            .build();
    try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
      return Optional.of(c.sync().configGet(names));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public Optional<SentinelView> sentinel(String host, int port, String masterName) {
    RedisURI uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(timeout).build();
    try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(uri)) {
      var s = c.sync();
      SocketAddress addr = s.getMasterAddrByName(masterName);
      Map<String, String> m = s.master(masterName);
      List<Map<String, String>> replicas = s.replicas(masterName);
      String mh = addr instanceof InetSocketAddress i ? i.getHostString() : "";
      int mp = addr instanceof InetSocketAddress i ? i.getPort() : 0;
      return Optional.of(
          new SentinelView(
              mh,
              mp,
              m.getOrDefault("flags", ""),
              parseInt(m.get("num-other-sentinels")),
              replicas.size(),
              replicas));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> fields(String info) {
    Map<String, String> m = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int i = line.indexOf(':');
      if (i > 0 && !line.startsWith("#")) {
        m.put(line.substring(0, i), line.substring(i + 1).strip());
      }
    }
    return m;
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
