package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.madbase.testkit.RedisSentinelSet;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Data nodes require a password, the Sentinels have none: the local stack's layout. */
class RedisSentinelTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();
  static RedisSentinelSet sentinels;

  @BeforeAll
  static void start() {
    db.pg()
        .execute(
            "madbase",
            "INSERT INTO madbase_projects (ref, rate_limit_per_minute) VALUES ('rl', 100000)");
    sentinels = RedisSentinelSet.start("data-pw");
  }

  @AfterAll
  static void stop() {
    if (sentinels != null) {
      sentinels.close();
    }
  }

  @Test
  void lettuceAppliesTheSentinelUrlPasswordToTheDataNodesOnly() {
    // RedisURI.create parses the same form; the password lands on the master URI, not on the
    // sentinels'
    RedisURI parsed = RedisURI.create(sentinels.sentinelUrl());
    assertThat(parsed.getSentinels()).hasSize(3);
    assertThat(parsed.getSentinels())
        .allSatisfy(
            s ->
                assertThat(s.getCredentialsProvider().resolveCredentials().block().hasPassword())
                    .isFalse());
    RedisClient client = RedisClient.create();
    try (var conn = client.connect(parsed)) {
      assertThat(conn.sync().set("lettuce-check", "ok")).isEqualTo("OK");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void gatewayUsesRedisThroughSentinelAndKeepsServingThroughAFailover() throws Exception {
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("REDIS_URL", sentinels.sentinelUrl());
    try (RunningGateway gw = TestGateway.start(env)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gw.app().redis().isConnected());
      assertThat(get(gw, "/rest/v1/items", "X-Project-Ref", "rl").statusCode()).isEqualTo(200);
      assertThat(sentinels.initialMaster().command("EXISTS", "madbase:project:rl")).isEqualTo(1L);

      sentinels.killMaster();
      // during the failover every request is still served (Redis is skipped, the database answers)
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean promoted = false;
      int requests = 0;
      while (!promoted && System.nanoTime() < deadline && requests < 2000) {
        gw.app().projectConfigs().invalidateAll();
        assertThat(get(gw, "/rest/v1/items", "X-Project-Ref", "rl").statusCode()).isEqualTo(200);
        requests++;
        promoted = isMaster(sentinels.initialReplica());
        Thread.sleep(50);
      }
      assertThat(promoted).as("sentinels promoted the replica").isTrue();
      sentinels.awaitFailover(Duration.ofSeconds(30));
      // after the failover the gateway writes to the new master again
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                gw.app().projectConfigs().invalidateAll();
                get(gw, "/rest/v1/items", "X-Project-Ref", "rl");
                return Long.valueOf(1L)
                    .equals(
                        sentinels
                            .initialReplica()
                            .command(
                                "EXISTS",
                                "madbase:ratelimit:rl:" + System.currentTimeMillis() / 60_000));
              });
    }
  }

  /**
   * Whether the node says it is a master now. Sentinel disconnects the clients of the node it
   * promotes, so a ROLE asked at that moment may see its connection closed: that is "not yet".
   */
  /**
   * Whether {@code node} says it is a master; false while it cannot answer. A Sentinel promoting a
   * replica ends its clients' connections (CLIENT KILL TYPE normal), so a ROLE in flight then is
   * reset, not answered.
   */
  private static boolean isMaster(io.madbase.testkit.RedisServer node) {
    try {
      return node.command("ROLE") instanceof java.util.List<?> l && "master".equals(l.get(0));
    } catch (io.lettuce.core.RedisException e) {
      return false;
    }
  }
}
