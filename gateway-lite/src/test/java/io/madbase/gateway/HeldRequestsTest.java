package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testkit.PostgresServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests held through a primary outage (issue 12): they take no request thread, reads keep
 * flowing from a real streaming replica meanwhile, the number held is bounded, and they resume when
 * the gateway's probe sees the primary again rather than on timers of their own.
 */
class HeldRequestsTest {
  /** More than Jetty's request threads (Javalin's pool: at most 250). */
  private static final int HELD_WRITES = 300;

  static PostgresServer primary;
  static PostgresServer replica;

  @BeforeAll
  static void start() {
    primary = TestGateway.database();
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

  private static Map<String, String> env() {
    Map<String, String> env = TestGateway.env(primary);
    env.put("READ_REPLICA_URL", TestGateway.url(replica));
    env.put("HOLD_DEADLINE", "60s");
    return env;
  }

  /**
   * A metric's value from /metrics: {@code name} with its labels as written, e.g. {@code x{a="b"}}.
   */
  static double metric(RunningGateway gw, String name) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$")
            .matcher(get(gw, "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(RunningGateway gw, String body) {
    return TestGateway.HTTP.sendAsync(
        HttpRequest.newBuilder(TestGateway.uri(gw, "/rest/v1/items"))
            .timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitPrimaryDown(RunningGateway gw) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(gw, "/ready").statusCode() == 503);
  }

  @Test
  void heldWritesTakeNoRequestThreadAndReadsKeepFlowingFromTheReplica() throws Exception {
    try (RunningGateway gw = TestGateway.start(env())) {
      assertThat(post(gw, "/rest/v1/items", "{\"name\":\"warm\"}").statusCode()).isEqualTo(201);
      primary.stop();
      List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
      try {
        awaitPrimaryDown(gw);
        for (int i = 0; i < HELD_WRITES; i++) {
          writes.add(postAsync(gw, "{\"name\":\"held-" + i + "\"}"));
        }
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> metric(gw, "gateway_held_current") == HELD_WRITES);
        assertThat(metric(gw, "gateway_http_threads_busy"))
            .as("Jetty threads at work while %d writes are held", HELD_WRITES)
            .isLessThan(20);

        for (int i = 0; i < 20; i++) {
          // a deadline far below the hold deadline: a read queued behind held writes would miss it
          HttpResponse<String> r =
              TestGateway.send(
                  HttpRequest.newBuilder(TestGateway.uri(gw, "/rest/v1/items?select=name&limit=1"))
                      .timeout(Duration.ofSeconds(5))
                      .build());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(r.headers().firstValue("X-Db-Route")).contains("replica");
        }
        assertThat(writes).noneMatch(CompletableFuture::isDone);
      } finally {
        primary.restart();
      }
      // every held write is served once the primary is back
      for (var w : writes) {
        HttpResponse<String> r = w.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      }
      try (var c = primary.connectAsSuperuser("madbase");
          var s = c.createStatement();
          var rs = s.executeQuery("SELECT count(*) FROM items WHERE name LIKE 'held-%'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(HELD_WRITES);
      }
      assertThat(metric(gw, "gateway_held_requests_total{outcome=\"served\"}"))
          .isEqualTo(HELD_WRITES);
      assertThat(metric(gw, "gateway_held_current")).isZero();
    }
  }

  @Test
  void pastHoldMaxRequestsAreAnswered503WithRetryAfterAtOnceAndCounted() throws Exception {
    Map<String, String> env = env();
    env.put("HOLD_MAX", "5");
    try (RunningGateway gw = TestGateway.start(env)) {
      primary.stop();
      List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
      try {
        awaitPrimaryDown(gw);
        for (int i = 0; i < 8; i++) {
          writes.add(postAsync(gw, "{\"name\":\"bounded-" + i + "\"}"));
        }
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> writes.stream().filter(CompletableFuture::isDone).count() == 3);
        for (var w : writes) {
          if (w.isDone()) {
            HttpResponse<String> r = w.get();
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("2");
            assertThat(r.body()).contains("\"too_many_held_requests\"").contains("HOLD_MAX");
          }
        }
        assertThat(metric(gw, "gateway_held_current")).isEqualTo(5);
        assertThat(metric(gw, "gateway_held_requests_total{outcome=\"rejected\"}")).isEqualTo(3);
      } finally {
        primary.restart();
      }
      long served = 0;
      for (var w : writes) {
        if (w.get(60, TimeUnit.SECONDS).statusCode() == 201) {
          served++;
        }
      }
      assertThat(served).isEqualTo(5);
    }
  }

  @Test
  void aHeldWriteIsWokenByTheProbeWhenThePrimaryReturnsNotByTimersOfItsOwn() throws Exception {
    try (RunningGateway gw = TestGateway.start(env())) {
      assertThat(post(gw, "/rest/v1/items", "{\"name\":\"warm\"}").statusCode()).isEqualTo(201);
      primary.stop();
      CompletableFuture<HttpResponse<String>> write;
      long t0;
      try {
        awaitPrimaryDown(gw);
        t0 = System.nanoTime();
        write = postAsync(gw, "{\"name\":\"woken\"}");
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> metric(gw, "gateway_held_waiting_primary") == 1);
        // three seconds down: backoff timers (50 ms doubling to 250 ms) would have tried ~13 times
        Thread.sleep(3000);
        assertThat(write).isNotDone();
      } finally {
        primary.restart();
      }
      HttpResponse<String> w = write.get(30, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThan(3000);
      assertThat(Integer.parseInt(w.headers().firstValue("X-Gateway-Retries").orElseThrow()))
          .as("waited once for the probe, then one try")
          .isBetween(1, 2);
    }
  }
}
