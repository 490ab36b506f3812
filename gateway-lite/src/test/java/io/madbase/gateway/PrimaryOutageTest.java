package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PrimaryOutageTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @BeforeAll
  static void start() {
    // a write that takes a while, so the test can cut its connection mid-statement
    db.pg()
        .execute(
            "madbase",
            """
        CREATE TABLE slow_items (id bigserial PRIMARY KEY, name text);
        CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$;
        CREATE TRIGGER slow BEFORE INSERT ON slow_items FOR EACH ROW EXECUTE FUNCTION slow_insert();
        ALTER TABLE slow_items OWNER TO madbase_app;
        """);
  }

  @Test
  void primaryOutageIsHeldAndRetriedUntilThePrimaryReturns() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      assertThat(get(gw, "/rest/v1/items").statusCode()).isEqualTo(200);
      db.pg().stop();
      CompletableFuture<HttpResponse<String>> write =
          CompletableFuture.supplyAsync(
              () -> call(() -> post(gw, "/rest/v1/items", "{\"name\":\"held\"}")));
      CompletableFuture<HttpResponse<String>> read =
          CompletableFuture.supplyAsync(() -> call(() -> get(gw, "/rest/v1/items")));
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(gw, "/metrics").body().contains("gateway_retries_total"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(gw, "/ready").statusCode() == 503);
      // both held (a first try may wait out the pool's 1.5 s connection timeout) before the
      // primary returns: restarted sooner, that try could simply succeed
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> HeldRequestsTest.metric(gw, "gateway_held_current") == 2);
      db.pg().restart();

      HttpResponse<String> w = write.get(20, TimeUnit.SECONDS);
      HttpResponse<String> r = read.get(20, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(Integer.parseInt(w.headers().firstValue("X-Gateway-Retries").orElseThrow()))
          .isPositive();
      assertThat(Integer.parseInt(r.headers().firstValue("X-Gateway-Retries").orElseThrow()))
          .isPositive();
      assertThat(w.body()).contains("\"held\"");
    }
  }

  @Test
  void outageLongerThanTheHoldDeadlineAnswers503WithRetryAfter() throws Exception {
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("HOLD_DEADLINE", "2s");
    try (RunningGateway gw = TestGateway.start(env)) {
      db.pg().stop();
      try {
        long t0 = System.nanoTime();
        var r = get(gw, "/rest/v1/items");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body())
            .contains("\"db_unavailable\"")
            .doesNotContain(TestGateway.APP_PASSWORD);
        assertThat(ms).isBetween(1500L, 6000L);
      } finally {
        db.pg().restart();
      }
    }
  }

  @Test
  void writeWhoseConnectionDiesMidStatementIsReportedAsOutcomeUnknown() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      CompletableFuture<HttpResponse<String>> write =
          CompletableFuture.supplyAsync(
              () -> call(() -> post(gw, "/rest/v1/slow_items", "{\"name\":\"maybe\"}")));
      killBackendRunning("INSERT INTO public.\"slow_items\"");
      HttpResponse<String> w = write.get(30, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(504);
      assertThat(w.body()).contains("\"write_outcome_unknown\"");
    }
  }

  @Test
  void writeWithIdempotencyKeyIsRetriedSafelyAfterItsConnectionDies() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      CompletableFuture<HttpResponse<String>> write =
          CompletableFuture.supplyAsync(
              () ->
                  call(
                      () ->
                          post(
                              gw,
                              "/rest/v1/slow_items",
                              "{\"name\":\"keyed\"}",
                              "Idempotency-Key",
                              "slow-1")));
      killBackendRunning("INSERT INTO public.\"slow_items\"");
      HttpResponse<String> w = write.get(40, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
      assertThat(Integer.parseInt(w.headers().firstValue("X-Gateway-Retries").orElseThrow()))
          .isPositive();
      try (var c = db.pg().connectAsSuperuser("madbase");
          var s = c.createStatement();
          var rs = s.executeQuery("SELECT count(*) FROM slow_items WHERE name = 'keyed'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  /**
   * SIGKILL the backend running {@code queryPrefix}: its client sees the socket close, with no
   * error message.
   */
  private static void killBackendRunning(String queryPrefix) {
    long[] pid = new long[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (var c = db.pg().connectAsSuperuser("madbase");
                  var ps =
                      c.prepareStatement(
                          "SELECT pid FROM pg_stat_activity WHERE application_name = 'gateway-lite' AND query LIKE ? AND state = 'active'")) {
                ps.setString(1, queryPrefix + "%");
                try (var rs = ps.executeQuery()) {
                  if (rs.next()) {
                    pid[0] = rs.getLong(1);
                    return true;
                  }
                  return false;
                }
              }
            });
    ProcessHandle.of(pid[0]).orElseThrow().destroyForcibly();
    // the postmaster restarts every backend after a crashed one; wait until it accepts again
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              try (var c = db.pg().connectAsSuperuser("madbase")) {
                return c.isValid(1);
              }
            });
  }

  interface Call {
    HttpResponse<String> run() throws Exception;
  }

  static HttpResponse<String> call(Call c) {
    try {
      return c.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
