package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testkit.PostgresServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two independent servers: rows tell which one answered. */
class ReadReplicaRoutingTest {
  static PostgresServer primary;
  static PostgresServer replica;

  @BeforeAll
  static void start() {
    primary = TestGateway.database();
    replica = TestGateway.database();
    primary.execute("madbase", "INSERT INTO items (name) VALUES ('on-primary')");
    replica.execute("madbase", "INSERT INTO items (name) VALUES ('on-replica')");
  }

  @AfterAll
  static void stop() {
    if (primary != null) {
      primary.close();
    }
    if (replica != null) {
      replica.close();
    }
  }

  private static Map<String, String> envWithReplica() {
    Map<String, String> env = TestGateway.env(primary);
    env.put("READ_REPLICA_URL", TestGateway.url(replica));
    return env;
  }

  @Test
  void selectGoesToReplicaWhenReplicaUrlIsSet() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      var r = get(gw, "/rest/v1/items?select=name");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("on-replica").doesNotContain("on-primary");
      assertThat(r.headers().firstValue("X-Db-Route")).contains("replica");
    }
  }

  @Test
  void writesGoToThePrimaryEvenWhenReplicaUrlIsSet() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      var w = post(gw, "/rest/v1/items", "{\"name\":\"written\"}");
      assertThat(w.statusCode()).isEqualTo(201);
      assertThat(w.headers().firstValue("X-Db-Route")).contains("primary");
      assertThat(primary.sessionsNamed("gateway-lite")).isPositive();
      try (var c = primary.connectAsSuperuser("madbase");
          var s = c.createStatement();
          var rs = s.executeQuery("SELECT count(*) FROM items WHERE name = 'written'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void selectGoesToPrimaryWhenNoReplicaUrlIsSet() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(primary))) {
      var r = get(gw, "/rest/v1/items?select=name");
      assertThat(r.body()).contains("on-primary").doesNotContain("on-replica");
      assertThat(r.headers().firstValue("X-Db-Route")).contains("primary");
    }
  }

  @Test
  void aBusyReplicaPoolServesTheOverflowFromThePrimaryWithoutTakingTheReplicaOutOfRotation()
      throws Exception {
    Map<String, String> env = envWithReplica();
    env.put("DB_POOL_SIZE", "1");
    try (RunningGateway gw = TestGateway.start(env);
        Connection locker = replica.connectAsSuperuser("madbase");
        Statement lock = locker.createStatement()) {
      assertThat(get(gw, "/rest/v1/items?select=name").headers().firstValue("X-Db-Route"))
          .contains("replica");
      // the replica pool's only connection waits on a lock: the replica answers, it is just busy
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<HttpResponse<String>> blocked =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return get(gw, "/rest/v1/items?select=name");
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> replica.sessionsNamed("gateway-lite") == 1 && lockWaiters() == 1);

      var overflow = get(gw, "/rest/v1/items?select=name");
      assertThat(overflow.statusCode()).isEqualTo(200);
      assertThat(overflow.body()).contains("on-primary");
      assertThat(overflow.headers().firstValue("X-Db-Route")).contains("primary");

      locker.rollback();
      assertThat(blocked.get(10, TimeUnit.SECONDS).body()).contains("on-replica");
      var next = get(gw, "/rest/v1/items?select=name");
      assertThat(next.headers().firstValue("X-Db-Route"))
          .as("a busy replica is not a down replica: no 2 s away from it")
          .contains("replica");
      String metrics = get(gw, "/metrics").body();
      assertThat(metrics)
          .contains("gateway_replica_busy_total 1.0")
          .doesNotContain("gateway_replica_fallbacks_total 1.0");
    }
  }

  private static int lockWaiters() throws SQLException {
    try (Connection c = replica.connectAsSuperuser("madbase");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'gateway-lite' AND wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void readReplicaFallsBackToPrimaryWhenTheReplicaIsDown() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      assertThat(get(gw, "/rest/v1/items?select=name").headers().firstValue("X-Db-Route"))
          .contains("replica");
      replica.stop();
      try {
        var r = get(gw, "/rest/v1/items?select=name");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("on-primary");
        assertThat(r.headers().firstValue("X-Db-Route")).contains("primary");
        assertThat(get(gw, "/metrics").body()).contains("gateway_replica_fallbacks_total 1.0");
      } finally {
        replica.restart();
      }
    }
  }
}
