package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.testkit.PostgresServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read routing against a real streaming replica of the primary (issue 12): the data is the same on
 * both, so a view tells which server answered ({@code pg_is_in_recovery()} and its port).
 */
class ReadReplicaRoutingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static PostgresServer primary;
  static PostgresServer replica;

  @BeforeAll
  static void start() {
    primary = TestGateway.database();
    primary.execute(
        "madbase",
        """
        CREATE VIEW server_role AS SELECT pg_is_in_recovery() AS in_recovery, inet_server_port() AS port;
        CREATE VIEW slow_server_role AS SELECT r.*, pg_sleep(3)::text AS slept FROM server_role r;
        ALTER VIEW server_role OWNER TO madbase_app;
        ALTER VIEW slow_server_role OWNER TO madbase_app;
        """);
    replica = PostgresServer.startReplicaOf(primary);
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  private static Map<String, String> envWithReplica() {
    Map<String, String> env = TestGateway.env(primary);
    env.put("READ_REPLICA_URL", TestGateway.url(replica));
    return env;
  }

  /** The server that answered a read of {@code server_role}. */
  private static JsonNode answeredBy(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get(0);
  }

  private static void assertReplica(HttpResponse<String> r) throws Exception {
    JsonNode who = answeredBy(r);
    assertThat(who.get("in_recovery").asBoolean()).isTrue();
    assertThat(who.get("port").asInt()).isEqualTo(replica.port());
    assertThat(r.headers().firstValue("X-Db-Route")).contains("replica");
  }

  private static void assertPrimary(HttpResponse<String> r) throws Exception {
    JsonNode who = answeredBy(r);
    assertThat(who.get("in_recovery").asBoolean()).isFalse();
    assertThat(who.get("port").asInt()).isEqualTo(primary.port());
    assertThat(r.headers().firstValue("X-Db-Route")).contains("primary");
  }

  @Test
  void selectGoesToTheStreamingReplicaWhenReplicaUrlIsSet() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      assertReplica(get(gw, "/rest/v1/server_role"));
    }
  }

  @Test
  void writesGoToThePrimaryAndReachTheReplicaByStreaming() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      var w = post(gw, "/rest/v1/items", "{\"name\":\"streamed\"}");
      assertThat(w.statusCode()).isEqualTo(201);
      assertThat(w.headers().firstValue("X-Db-Route")).contains("primary");
      replica.awaitReplayOf(primary);
      var r = get(gw, "/rest/v1/items?name=eq.streamed&select=name");
      assertThat(r.headers().firstValue("X-Db-Route")).contains("replica");
      assertThat(r.body()).contains("\"streamed\"");
    }
  }

  @Test
  void selectGoesToThePrimaryWhenNoReplicaUrlIsSet() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(primary))) {
      assertPrimary(get(gw, "/rest/v1/server_role"));
    }
  }

  @Test
  void aBusyReplicaPoolServesTheOverflowFromThePrimaryWithoutTakingTheReplicaOutOfRotation()
      throws Exception {
    Map<String, String> env = envWithReplica();
    env.put("DB_POOL_SIZE", "1");
    try (RunningGateway gw = TestGateway.start(env)) {
      assertReplica(get(gw, "/rest/v1/server_role"));
      // the replica pool's only connection runs a 3 s read: the replica answers, it is just busy
      CompletableFuture<HttpResponse<String>> slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return get(gw, "/rest/v1/slow_server_role");
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> replica.activeSessionsNamed("gateway-lite") == 1);

      assertPrimary(get(gw, "/rest/v1/server_role"));

      assertThat(slow.get(10, TimeUnit.SECONDS).body()).contains("\"in_recovery\":true");
      assertReplica(get(gw, "/rest/v1/server_role"));
      String metrics = get(gw, "/metrics").body();
      assertThat(metrics)
          .as("a busy replica is not a down replica: no 2 s away from it")
          .contains("gateway_replica_busy_total 1.0")
          .doesNotContain("gateway_replica_fallbacks_total 1.0");
    }
  }

  /**
   * What a failover does to the replicas port: HAProxy shuts down the sessions of the replica it
   * promotes, and the port still has others. A read whose session is cut goes back to the replicas,
   * not to the primary, and the replica is not marked down.
   */
  @Test
  void aReadWhoseReplicaSessionIsCutIsServedByTheReplicaAgain() throws Exception {
    Map<String, String> env = envWithReplica();
    env.put("DB_POOL_SIZE", "1");
    try (RunningGateway gw = TestGateway.start(env)) {
      assertReplica(get(gw, "/rest/v1/server_role"));
      // cut while a read runs on it, so the read itself sees the session go
      CompletableFuture<HttpResponse<String>> cut =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return get(gw, "/rest/v1/slow_server_role");
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> replica.activeSessionsNamed("gateway-lite") == 1);
      replica.execute(
          "postgres",
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE application_name = 'gateway-lite'");
      var r = cut.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"in_recovery\":true");
      assertThat(r.headers().firstValue("X-Db-Route")).contains("replica");
      assertThat(Integer.parseInt(r.headers().firstValue("X-Gateway-Retries").orElseThrow()))
          .as("served on a second try")
          .isPositive();
      assertThat(get(gw, "/metrics").body()).doesNotContain("gateway_replica_fallbacks_total 1.0");
    }
  }

  @Test
  void readsFallBackToThePrimaryWhileTheReplicaIsDown() throws Exception {
    try (RunningGateway gw = TestGateway.start(envWithReplica())) {
      assertReplica(get(gw, "/rest/v1/server_role"));
      replica.stop();
      try {
        assertPrimary(get(gw, "/rest/v1/server_role"));
        assertThat(get(gw, "/metrics").body()).contains("gateway_replica_fallbacks_total 1.0");
      } finally {
        replica.restart();
      }
    }
  }
}
