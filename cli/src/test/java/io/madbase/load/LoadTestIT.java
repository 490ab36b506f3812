package io.madbase.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code madbase loadtest} against the real stack's gateway on 127.0.6.x: the acceptance
 * run, shortened for CI (500 req/s over 1000 connections for 10 s, p99 at most 500 ms, no errors,
 * no pool leak), then the read/write mix.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadTestIT {
  static final String SPEC =
      """
      name: loadtest-it
      local:
        subnet: 127.0.6
      workers:
        count: 0
      """;

  static Path dir;
  static Path state;

  @BeforeAll
  static void up() {
    dir = TestStack.newDir("madbase-load-it");
    state = dir.resolve(".madbase");
    CliRun r =
        CliRun.run(
            "up", "-f", TestStack.spec(dir, SPEC).toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    // a gateway that has just started interprets its request path: on a slow 2-core machine it
    // served 136, 356, 400 requests in its first seconds against 500 asked (CI, p99 3 s). Like
    // the benchmark, it gets one unmeasured run first (docs/loadtest.md, "Performance notes")
    CliRun warm =
        CliRun.run(
            "loadtest",
            "--state-dir",
            state.toString(),
            "--rate",
            "1000",
            "--connections",
            "100",
            "--duration",
            "8s",
            "--warmup",
            "0s",
            "-q",
            "-o",
            "json");
    // only what it compiles counts: a check it misses (1) is no reason to stop
    assertThat(warm.exitCode()).as(warm.toString()).isIn(0, 1);
  }

  @AfterAll
  static void down() {
    try {
      CliRun r = CliRun.run("down", "--purge", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
    } finally {
      TestStack.deleteQuietly(dir);
    }
  }

  @Test
  @Order(1)
  void thousandConnectionsAt500PerSecondMeetTheThresholdsWithoutAPoolLeak() throws Exception {
    Path junit = dir.resolve("junit.xml");
    CliRun r =
        CliRun.run(
            "loadtest",
            "--state-dir",
            state.toString(),
            "--rate",
            "500",
            "--connections",
            "1000",
            "--duration",
            "10s",
            "--p99",
            "500ms",
            "--max-error-rate",
            "0",
            "--check-pool-leaks",
            "--junit",
            junit.toString(),
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    JsonNode res = j.path("result");
    assertThat(j.path("passed").asBoolean()).isTrue();
    assertThat(res.path("target").asText()).isEqualTo("http://127.0.6.41:8080");
    assertThat(res.path("counts").path("scheduled").asLong()).isEqualTo(5000);
    assertThat(res.path("counts").path("ok").asLong()).isEqualTo(5000);
    assertThat(res.path("counts").path("errors").asLong())
        .as("errors (the first of each kind: %s)", res.path("error_samples"))
        .isZero();
    assertThat(res.path("counts").path("not_sent").asLong()).isZero();
    assertThat(res.path("latency").path("p99").asDouble()).isPositive().isLessThanOrEqualTo(500);
    assertThat(res.path("throughput").path("requests_per_second").asDouble())
        .isBetween(450.0, 510.0);
    JsonNode c = res.path("connections");
    assertThat(c.path("requested").asInt()).isEqualTo(1000);
    assertThat(c.path("established").asInt()).isEqualTo(1000);
    assertThat(c.path("kernel_established").asInt()).isGreaterThanOrEqualTo(1000);
    assertThat(c.path("server_side").asInt()).isGreaterThanOrEqualTo(1000);
    assertThat(c.path("min_open").asInt()).isEqualTo(1000);
    JsonNode leaks = j.path("pool_leaks");
    assertThat(leaks.path("leak").asBoolean()).as(leaks.toString()).isFalse();
    assertThat(leaks.path("peak").asInt())
        .isGreaterThanOrEqualTo(leaks.path("baseline").asInt())
        .isLessThanOrEqualTo(leaks.path("ceiling").asInt());
    assertThat(leaks.path("borrowed_after").asInt()).isZero();
    assertThat(j.path("gateway").path("threads_peak").asInt()).isPositive();
    assertThat(j.path("checks"))
        .extracting(x -> x.path("name").asText())
        .containsExactly("connections", "p99", "error_rate", "pool_leaks");
    assertThat(java.nio.file.Files.readString(junit)).contains("tests=\"4\" failures=\"0\"");
  }

  @Test
  @Order(2)
  void theReadWriteMixServesEveryRequestAndItsWritesAreRowsInTheDatabase() throws Exception {
    long before = itemRows();
    CliRun r =
        CliRun.run(
            "loadtest",
            "--state-dir",
            state.toString(),
            "--mix",
            "4:1",
            "--rate",
            "200",
            "--connections",
            "50",
            "--duration",
            "3s",
            "--warmup",
            "1s",
            "--max-error-rate",
            "0");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("mix 4:1")
        .contains("600 scheduled, 600 sent, 600 ok, 0 errors")
        .contains("PASS error_rate");
    // one in five of the 600 measured requests was a write of one row, each acknowledged (0
    // errors): 120 rows, plus those of the 1 s warmup (at most 40), counted in the database
    // through HAProxy's primary port
    assertThat(itemRows() - before).as("rows the writes added").isBetween(120L, 160L);
  }

  /** Rows in the load's table, counted on the primary through HAProxy as the gateway's user. */
  static long itemRows() throws java.sql.SQLException {
    try (io.madbase.driver.local.LocalDriver d = io.madbase.driver.local.LocalDriver.attach(state);
        java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://"
                    + d.topology().haproxy(io.madbase.stack.Port.HAPROXY_PRIMARY)
                    + "/"
                    + io.madbase.render.RenderContext.DATABASE,
                io.madbase.observe.PgConnect.properties(
                    io.madbase.render.RenderContext.APP_USER,
                    d.secrets().app().reveal(),
                    "madbase-test",
                    5,
                    30));
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
