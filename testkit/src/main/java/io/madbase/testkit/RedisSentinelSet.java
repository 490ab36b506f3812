package io.madbase.testkit;

import io.madbase.common.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis master, one replica and three Sentinels (quorum 2) on 127.0.0.1 and free ports. The data
 * nodes require {@code password}; the Sentinels have none (as in the local stack). {@link
 * #killMaster()} crashes the master; {@link #awaitFailover} waits until the Sentinels agree on the
 * replica.
 */
public final class RedisSentinelSet implements AutoCloseable {
  public static final String MASTER_NAME = "mymaster";

  /**
   * 2000 ms: 1000 caused needless double failovers on these machines (docs/running-natively.md).
   */
  public static final int DOWN_AFTER_MS = 2000;

  private final Path dir;
  private final String password;
  private final List<RedisServer> nodes = new ArrayList<>();
  private final List<ManagedProcess> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();
  private boolean closed;

  private RedisSentinelSet(Path dir, String password) {
    this.dir = dir;
    this.password = password;
  }

  public static RedisSentinelSet start(String password) {
    Path sentinelBin = Binaries.onPath("redis-sentinel", "redis-sentinel");
    RedisSentinelSet set = new RedisSentinelSet(TempDirs.create("testkit-sentinel-"), password);
    try {
      RedisServer master = RedisServer.start(set.dir, false, password, List.of());
      set.nodes.add(master);
      set.nodes.add(
          RedisServer.start(
              set.dir,
              false,
              password,
              List.of(
                  "--replicaof",
                  FreePorts.HOST,
                  Integer.toString(master.port()),
                  "--replica-announce-ip",
                  FreePorts.HOST)));
      for (int i = 0; i < 3; i++) {
        set.startSentinel(sentinelBin, master.port());
      }
      set.awaitHealthy(Duration.ofSeconds(30));
      return set;
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
  }

  private void startSentinel(Path bin, int masterPort) {
    int port = FreePorts.next();
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    String text =
        String.join(
            "\n",
            "port " + port,
            "bind " + FreePorts.HOST,
            "protected-mode no",
            "dir " + dir,
            "sentinel announce-ip " + FreePorts.HOST,
            "sentinel monitor " + MASTER_NAME + " " + FreePorts.HOST + " " + masterPort + " 2",
            "sentinel auth-pass " + MASTER_NAME + " " + password,
            "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MS,
            "sentinel failover-timeout " + MASTER_NAME + " 10000",
            "sentinel parallel-syncs " + MASTER_NAME + " 1",
            "");
    try {
      Files.writeString(conf, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sentinels.add(
        ManagedProcess.start(
            "sentinel:" + port,
            List.of(bin.toString(), conf.toString()),
            dir.resolve("sentinel-" + port + ".log")));
    sentinelPorts.add(port);
  }

  private void awaitHealthy(Duration timeout) {
    Wait.until(
        "3 sentinels agreeing on master " + masterPort() + " with 1 replica and 2 peers",
        timeout,
        Duration.ofMillis(200),
        () -> {
          if (!(initialMaster().command("ROLE") instanceof List<?> role
              && role.size() == 3
              && role.get(2) instanceof List<?> linked
              && linked.size() == 1)) {
            return "master's ROLE does not list one connected replica yet";
          }
          for (int port : sentinelPorts) {
            String master = masterSeenBy(port);
            if (!(FreePorts.HOST + ":" + masterPort()).equals(master)) {
              return "sentinel " + port + " sees master " + master;
            }
            List<?> replicas =
                (List<?>) RedisCommand.send(port, null, "SENTINEL", "REPLICAS", MASTER_NAME);
            List<?> peers =
                (List<?>) RedisCommand.send(port, null, "SENTINEL", "SENTINELS", MASTER_NAME);
            if (replicas.size() != 1 || peers.size() != 2) {
              return "sentinel "
                  + port
                  + " sees "
                  + replicas.size()
                  + " replicas and "
                  + peers.size()
                  + " peers";
            }
          }
          return null;
        });
  }

  private static String masterSeenBy(int sentinelPort) {
    List<?> addr =
        (List<?>)
            RedisCommand.send(
                sentinelPort, null, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return addr == null || addr.size() != 2 ? null : addr.get(0) + ":" + addr.get(1);
  }

  /** The node the set started with as master. */
  public RedisServer initialMaster() {
    return nodes.get(0);
  }

  public RedisServer initialReplica() {
    return nodes.get(1);
  }

  public int masterPort() {
    return nodes.get(0).port();
  }

  public List<Integer> sentinelPorts() {
    return List.copyOf(sentinelPorts);
  }

  public String password() {
    return password;
  }

  /** The gateway's Sentinel form: {@code redis-sentinel://password@h:p,h:p,h:p/0#mymaster}. */
  public String sentinelUrl() {
    String hosts =
        sentinelPorts.stream().map(p -> FreePorts.HOST + ":" + p).collect(Collectors.joining(","));
    return "redis-sentinel://" + password + "@" + hosts + "/0#" + MASTER_NAME;
  }

  /** SIGKILL the initial master. */
  public void killMaster() {
    nodes.get(0).kill();
  }

  /** Waits until every Sentinel names the initial replica as master. */
  public void awaitFailover(Duration timeout) {
    String expected = FreePorts.HOST + ":" + initialReplica().port();
    Wait.until(
        "sentinels to promote " + expected,
        timeout,
        Duration.ofMillis(100),
        () -> {
          for (int port : sentinelPorts) {
            String seen = masterSeenBy(port);
            if (!expected.equals(seen)) {
              return "sentinel " + port + " sees master " + seen;
            }
          }
          Object role = initialReplica().command("ROLE");
          return role instanceof List<?> l && "master".equals(l.get(0))
              ? null
              : "replica's ROLE is " + role;
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sentinels.forEach(s -> s.stop("TERM", Duration.ofSeconds(5)));
      nodes.forEach(RedisServer::close);
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }
}
