package io.madbase.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool-leak rule against a real PostgreSQL: sessions opened here under the gateway's
 * application names stand for its pools (no gateway metrics, so "borrowed" is judged from
 * PostgreSQL's session states).
 */
class PoolLeakCheckTest {
  static PostgresServer pg;
  final List<Connection> sessions = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void closeSessions() throws SQLException {
    for (Connection c : sessions) {
      c.close();
    }
  }

  /** A check whose pools may hold {@code ceiling} sessions (one gateway, no tenant pools). */
  PoolLeakCheck check(int ceiling) {
    return new PoolLeakCheck(
        List.of(new PoolLeakCheck.Node("pg", pg.host(), pg.port())),
        PostgresServer.SUPERUSER,
        pg.superuserPassword(),
        new PoolLeakCheck.Ceiling(ceiling, 5, 1),
        List.of());
  }

  Connection open(String applicationName) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", PostgresServer.SUPERUSER);
    p.setProperty("password", pg.superuserPassword());
    p.setProperty("ApplicationName", applicationName);
    Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), p);
    sessions.add(c);
    return c;
  }

  @Test
  void aPoolThatGrewWithinItsMaximumAndIsIdleIsNoLeak() throws Exception {
    try (PoolLeakCheck check = check(10)) {
      assertThat(check.baseline().sessions()).isZero();
      for (int i = 0; i < 6; i++) {
        open("gateway-lite");
      }
      check.sample();
      PoolLeakCheck.Result r = check.settle(Duration.ofSeconds(10), false);
      assertThat(r.leak()).as(r.verdict()).isFalse();
      assertThat(r.peak()).isEqualTo(6);
      assertThat(r.after()).isEqualTo(6);
      assertThat(r.returnedToBaseline()).isFalse();
      assertThat(r.verdict()).startsWith("no leak: 6 idle sessions, within the pools' maximum 10");
      assertThat(r.settleSeconds()).isLessThan(5);
    }
  }

  @Test
  void sessionsClosedAfterTheRunAreBackToTheBaseline() throws Exception {
    try (PoolLeakCheck check = check(10)) {
      check.baseline();
      Connection c = open("gateway-lite");
      check.sample();
      c.close();
      PoolLeakCheck.Result r = check.settle(Duration.ofSeconds(10), true);
      assertThat(r.leak()).as(r.verdict()).isFalse();
      assertThat(r.returnedToBaseline()).isTrue();
      assertThat(r.peak()).isEqualTo(1);
      assertThat(r.verdict()).startsWith("no leak: back to the baseline");
    }
  }

  @Test
  void moreSessionsThanThePoolsMayHoldAreALeak() throws Exception {
    try (PoolLeakCheck check = check(4)) {
      check.baseline();
      for (int i = 0; i < 6; i++) {
        open("gateway-lite");
      }
      check.sample();
      PoolLeakCheck.Result r = check.settle(Duration.ofSeconds(3), false);
      assertThat(r.leak()).isTrue();
      assertThat(r.verdict()).contains("peak 6 sessions is above what the pools may hold (4)");
    }
  }

  @Test
  void aSessionStillBusyAfterTheRunIsALeak() throws Exception {
    try (PoolLeakCheck check = check(10)) {
      check.baseline();
      Connection c = open("gateway-lite");
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 1"); // left "idle in transaction": a connection someone still holds
      }
      PoolLeakCheck.Result r = check.settle(Duration.ofSeconds(2), false);
      assertThat(r.leak()).isTrue();
      assertThat(r.notIdleAfter()).isEqualTo(1);
      assertThat(r.verdict()).contains("1 gateway sessions still not idle");
    }
  }

  @Test
  void theReadinessProbeAndOtherClientsAreNotCounted() throws Exception {
    try (PoolLeakCheck check = check(10)) {
      open("gateway-lite/probe");
      open("someone-else");
      open("gateway-lite/tenant1");
      PoolLeakCheck.Sample s = check.baseline();
      assertThat(s.sessions()).isEqualTo(1);
      assertThat(s.byApp()).containsOnlyKeys("gateway-lite/tenant1");
    }
  }
}
