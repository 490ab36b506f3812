package io.madbase.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresServerTest {
  static PostgresServer pg;

  @BeforeAll
  static void start() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void createdRoleLogsInWithItsPasswordAndOwnsItsDatabase() throws SQLException {
    pg.createRoleAndDatabase("app_user", "s3cret", "appdb");
    try (Connection c = pg.connect("app_user", "s3cret", "appdb");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT current_user, current_database(), inet_server_port()")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("app_user");
      assertThat(rs.getString(2)).isEqualTo("appdb");
      assertThat(rs.getInt(3)).isEqualTo(pg.port());
    }
    assertThatThrownBy(() -> pg.connect("app_user", "wrong", "appdb").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void stoppedServerRefusesConnectionsAndRestartsOnTheSamePortWithItsData() throws Exception {
    pg.execute(
        "postgres",
        "CREATE TABLE IF NOT EXISTS survives (v int); INSERT INTO survives VALUES (42)");
    pg.stop();
    assertThat(pg.isRunning()).isFalse();
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(pg.host(), pg.port()), 500);
              }
            })
        .isInstanceOf(java.net.ConnectException.class);

    pg.restart();
    try (Connection c = pg.connectAsSuperuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sum(v) FROM survives")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void sessionsNamedCountsConnectionsByApplicationName() throws SQLException {
    int before = pg.sessionsNamed("testkit");
    try (Connection c = pg.connectAsSuperuser("postgres")) {
      assertThat(c.isValid(2)).isTrue();
      assertThat(pg.sessionsNamed("testkit")).isEqualTo(before + 1);
    }
  }

  @Test
  void aStreamingReplicaReplaysThePrimarysWritesRefusesItsOwnAndTakesThemOncePromoted()
      throws SQLException {
    pg.execute("postgres", "CREATE TABLE IF NOT EXISTS streamed (v int)");
    try (PostgresServer replica = PostgresServer.startReplicaOf(pg)) {
      assertThat(replica.inRecovery()).isTrue();
      assertThat(pg.inRecovery()).isFalse();
      pg.execute("postgres", "INSERT INTO streamed VALUES (7)");
      replica.awaitReplayOf(pg);
      try (Connection c = replica.connectAsSuperuser("postgres");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT sum(v) FROM streamed")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(7);
        }
        assertThatThrownBy(() -> s.execute("INSERT INTO streamed VALUES (8)"))
            .hasMessageContaining("read-only transaction");
      }
      replica.promote();
      assertThat(replica.inRecovery()).isFalse();
      replica.execute("postgres", "INSERT INTO streamed VALUES (8)");
    }
  }
}
