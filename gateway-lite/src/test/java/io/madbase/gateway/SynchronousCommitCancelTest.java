package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testkit.PostgresStandby;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With synchronous replication a commit waits until the standby has it. Cancelling that wait
 * (pg_cancel_backend, or a driver's query cancel) makes PostgreSQL answer the commit with success
 * and a WARNING: committed on the primary, maybe never replicated, and lost if the primary is then
 * replaced. The gateway must never report such a write as done: a real primary with a real
 * synchronous standby, the standby taken away so that commits wait.
 */
class SynchronousCommitCancelTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();
  static PostgresStandby standby;

  @BeforeAll
  static void startStandby() {
    standby = PostgresStandby.of(db.pg(), "sync1");
    standby.makeSynchronous(TestGateway.DATABASE);
  }

  @AfterAll
  static void stopStandby() {
    if (standby != null) {
      standby.close();
    }
  }

  /** Every test leaves the standby streaming, so waiting commits are released. */
  @AfterEach
  void standbyBack() {
    standby.restart();
  }

  @Test
  void aWriteTheSynchronousStandbyHasIsAcknowledged() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      HttpResponse<String> w = post(gw, "/rest/v1/items", "{\"name\":\"replicated\"}");
      assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
      assertThat(countOnStandby("replicated")).isEqualTo(1);
    }
  }

  @Test
  void aCommitWhoseWaitForTheStandbyIsCancelledIsNotReportedAsDone() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      standby.stop();
      CompletableFuture<HttpResponse<String>> write =
          CompletableFuture.supplyAsync(
              () -> call(() -> post(gw, "/rest/v1/items", "{\"name\":\"cancelled-wait\"}")));
      long pid = awaitWaitingForStandby();
      cancel(pid);

      HttpResponse<String> w = write.get(20, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(504);
      assertThat(w.body()).contains("write_outcome_unknown").contains("synchronous");
      // why it cannot be 201: the primary has it, no standby does
      assertThat(countOnPrimary("cancelled-wait")).isEqualTo(1);
    }
  }

  @Test
  void aKeyedWriteWhoseWaitIsCancelledIsNeitherDoneNorRetriedIntoAReplay() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      standby.stop();
      CompletableFuture<HttpResponse<String>> write =
          CompletableFuture.supplyAsync(
              () ->
                  call(
                      () ->
                          post(
                              gw,
                              "/rest/v1/items",
                              "{\"name\":\"keyed-cancelled-wait\"}",
                              "Idempotency-Key",
                              "sync-cancel-1")));
      long pid = awaitWaitingForStandby();
      cancel(pid);

      HttpResponse<String> w = write.get(20, TimeUnit.SECONDS);
      assertThat(w.statusCode()).as(w.body()).isEqualTo(504);
      assertThat(w.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(w.headers().firstValue("X-Gateway-Retries")).contains("0");
    }
  }

  @Test
  void theGatewayNeverCancelsACommitThatWaitsForTheStandby() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      standby.stop();
      long start = System.nanoTime();
      HttpResponse<String> w = post(gw, "/rest/v1/items", "{\"name\":\"still-waiting\"}");
      double took = (System.nanoTime() - start) / 1e9;
      // the pool's socket timeout (10 s) gives up on the connection; it sends no cancel
      assertThat(w.statusCode()).as(w.body()).isEqualTo(504);
      assertThat(w.body()).contains("write_outcome_unknown");
      assertThat(took).isGreaterThan(9.0);
      assertThat(waitingForStandby())
          .as("the commit still waits for the standby: nobody cancelled it")
          .hasSize(1);
      standby.restart();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingForStandby().isEmpty());
      assertThat(countOnStandby("still-waiting"))
          .as("it committed once the standby was back")
          .isEqualTo(1);
    }
  }

  /** The gateway's sessions whose commit waits for the synchronous standby. */
  private static List<Long> waitingForStandby() throws SQLException {
    try (Connection c = db.pg().connectAsSuperuser("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'gateway-lite' AND wait_event = 'SyncRep'");
        ResultSet rs = ps.executeQuery()) {
      List<Long> pids = new java.util.ArrayList<>();
      while (rs.next()) {
        pids.add(rs.getLong(1));
      }
      return pids;
    }
  }

  private static long awaitWaitingForStandby() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(SynchronousCommitCancelTest::waitingForStandby, p -> p.size() == 1)
        .get(0);
  }

  private static void cancel(long pid) throws SQLException {
    try (Connection c = db.pg().connectAsSuperuser("postgres");
        PreparedStatement ps = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
      ps.setInt(1, (int) pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }
  }

  private static int countOnPrimary(String name) throws SQLException {
    try (Connection c = db.pg().connectAsSuperuser(TestGateway.DATABASE)) {
      return count(c, name);
    }
  }

  private static int countOnStandby(String name) throws SQLException {
    try (Connection c = standby.connectAsSuperuser(TestGateway.DATABASE)) {
      return count(c, name);
    }
  }

  private static int count(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM items WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  interface IoCall<T> {
    T call() throws Exception;
  }

  private static <T> T call(IoCall<T> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
