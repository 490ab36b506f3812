package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.gateway.db.TenantPools;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenant pools: projects with a db_url of their own; eviction closes the pool and its sessions. */
class TenantPoolsTest {
  /** The default TENANT_POOL_MAX. */
  private static final int MAX = 100;

  // a session per open tenant pool (101 at most), the shared pool's, the test's own
  @RegisterExtension
  static final TestDatabase db = new TestDatabase(Map.of("max_connections", "160"));

  private static String tenant(int i) {
    return String.format("t%03d", i);
  }

  @BeforeAll
  static void start() {
    // tenant URLs without credentials take DATABASE_URL's
    String tenantUrl = "postgresql://127.0.0.1:" + db.pg().port() + "/madbase";
    List<String> refs = new ArrayList<>(List.of("t1"));
    for (int i = 0; i <= MAX; i++) {
      refs.add(tenant(i));
    }
    for (String ref : refs) {
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

  /**
   * At the real maximum (100) on a pattern where LRU and frequency-based eviction (Caffeine's
   * W-TinyLFU) disagree: t000 is used twenty times, then every other pool once more, so t000 is the
   * most used and the least recently used. A new tenant evicts it, not a pool used once recently.
   */
  @Test
  void theLeastRecentlyUsedPoolIsEvictedAtOneHundredEvenWhenItWasUsedMostOften() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (RunningGateway gw = gateway(ticker, "100", "300s")) {
      TenantPools pools = gw.app().tenantPools();
      for (int i = 0; i < MAX; i++) {
        touch(gw, tenant(i));
      }
      for (int n = 0; n < 20; n++) {
        touch(gw, tenant(0));
      }
      for (int i = 1; i < MAX; i++) {
        touch(gw, tenant(i));
      }
      assertThat(pools.size()).isEqualTo(MAX);

      touch(gw, tenant(MAX)); // one pool too many: t000 is the least recently used
      pools.cleanUp();
      assertThat(pools.isOpen(tenant(0))).as("least recently used, most often used").isFalse();
      assertThat(pools.isOpen(tenant(MAX))).as("used once, just now").isTrue();
      assertThat(pools.isOpen(tenant(1))).isTrue();
      assertThat(pools.size()).isEqualTo(MAX);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> db.pg().sessionsNamed("gateway-lite/" + tenant(0)) == 0);

      touch(gw, tenant(0)); // back again: now t001 is the least recently used
      pools.cleanUp();
      assertThat(pools.isOpen(tenant(0))).isTrue();
      assertThat(pools.isOpen(tenant(1))).isFalse();
      assertThat(pools.isOpen(tenant(2))).isTrue();
      assertThat(pools.size()).isEqualTo(MAX);
    }
  }
}
