package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenant pools: projects with a db_url of their own; eviction closes the pool and its sessions. */
class TenantPoolsTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @BeforeAll
  static void start() {
    // tenant URLs without credentials take DATABASE_URL's
    String tenantUrl = "postgresql://127.0.0.1:" + db.pg().port() + "/madbase";
    for (String ref : new String[] {"t1", "t2", "t3"}) {
      db.pg()
          .execute(
              "madbase",
              "INSERT INTO madbase_projects (ref, db_url) VALUES ('"
                  + ref
                  + "', '"
                  + tenantUrl
                  + "')");
    }
  }

  private static RunningGateway gateway(FakeTicker ticker, String max, String idle) {
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("TENANT_POOL_MAX", max);
    env.put("TENANT_POOL_IDLE", idle);
    GatewayApp app =
        GatewayApp.create(
            GatewayConfig.fromEnv(env),
            new GatewayApp.Timing(ticker, Clock.systemUTC(), Runnable::run));
    return app.start(0);
  }

  private static void touch(RunningGateway gw, String ref) throws Exception {
    var r = get(gw, "/rest/v1/items", "X-Project-Ref", ref);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Db-Pool")).contains("gateway-lite/" + ref);
  }

  @Test
  void tenantPoolIsClosedAfterItsTimeToIdleAndItsSessionsLeave() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (RunningGateway gw = gateway(ticker, "10", "300s")) {
      touch(gw, "t1");
      assertThat(db.pg().sessionsNamed("gateway-lite/t1")).isPositive();

      ticker.advance(Duration.ofSeconds(299));
      gw.app().tenantPools().cleanUp();
      assertThat(gw.app().tenantPools().isOpen("t1")).isTrue();

      ticker.advance(Duration.ofSeconds(2));
      gw.app().tenantPools().cleanUp();
      assertThat(gw.app().tenantPools().isOpen("t1")).isFalse();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> db.pg().sessionsNamed("gateway-lite/t1") == 0);
    }
  }

  @Test
  void leastRecentlyUsedTenantPoolIsEvictedAtMaximumSize() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (RunningGateway gw = gateway(ticker, "2", "300s")) {
      touch(gw, "t1");
      touch(gw, "t2");
      touch(gw, "t1"); // t2 is now the least recently used
      touch(gw, "t3");
      gw.app().tenantPools().cleanUp();

      assertThat(gw.app().tenantPools().isOpen("t3")).isTrue();
      assertThat(gw.app().tenantPools().isOpen("t1")).isTrue();
      assertThat(gw.app().tenantPools().isOpen("t2")).isFalse();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> db.pg().sessionsNamed("gateway-lite/t2") == 0);
      assertThat(db.pg().sessionsNamed("gateway-lite/t1")).isPositive();
    }
  }
}
