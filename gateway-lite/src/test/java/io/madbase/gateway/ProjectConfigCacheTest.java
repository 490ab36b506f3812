package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.testkit.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProjectConfigCacheTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @BeforeAll
  static void rows() {
    db.pg()
        .execute(
            "madbase", "INSERT INTO items (name) SELECT 'n' || g FROM generate_series(1, 5) g");
  }

  private static int rowsServed(RunningGateway gw, String ref) throws Exception {
    var r = get(gw, "/rest/v1/items", "X-Project-Ref", ref);
    assertThat(r.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).size();
  }

  @Test
  void changedProjectConfigIsServedOnceTheTtlHasPassed() throws Exception {
    db.pg().execute("madbase", "INSERT INTO madbase_projects (ref, max_rows) VALUES ('ttl', 4)");
    FakeTicker ticker = new FakeTicker();
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("PROJECT_CONFIG_TTL", "60s");
    try (RunningGateway gw =
        GatewayApp.create(
                GatewayConfig.fromEnv(env),
                new GatewayApp.Timing(ticker, Clock.systemUTC(), Runnable::run))
            .start(0)) {
      assertThat(rowsServed(gw, "ttl")).isEqualTo(4);
      db.pg()
          .execute(
              "madbase",
              "UPDATE madbase_projects SET max_rows = 2, updated_at = now() WHERE ref = 'ttl'");

      ticker.advance(Duration.ofSeconds(59));
      assertThat(rowsServed(gw, "ttl")).as("cached within the TTL").isEqualTo(4);

      ticker.advance(Duration.ofSeconds(2));
      assertThat(rowsServed(gw, "ttl")).as("refreshed after the TTL, no restart").isEqualTo(2);
    }
  }

  @Test
  void redisOutageFallsBackToTheDatabaseWithoutFailingRequests() throws Exception {
    db.pg()
        .execute(
            "madbase",
            "INSERT INTO madbase_projects (ref, rate_limit_per_minute) VALUES ('limited', 1000)");
    try (RedisServer redis = RedisServer.start("redis-pw")) {
      Map<String, String> env = TestGateway.env(db.pg());
      env.put("REDIS_URL", redis.url());
      try (RunningGateway gw = TestGateway.start(env)) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> gw.app().redis().isConnected());
        assertThat(rowsServed(gw, "limited")).isEqualTo(5);
        assertThat(redis.command("EXISTS", "madbase:project:limited")).isEqualTo(1L);

        redis.kill();
        gw.app().projectConfigs().invalidateAll();
        assertThat(rowsServed(gw, "limited")).isEqualTo(5);
        assertThat(get(gw, "/metrics").body())
            .contains("gateway_redis_fallbacks_total{use=\"project_config\"}");
      }
    }
  }
}
