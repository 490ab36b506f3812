package io.madbase.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.driver.local.LocalDriver;
import io.madbase.observe.StackObserver;
import io.madbase.render.RenderContext;
import io.madbase.stack.Endpoint;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HAProxy's two ports on the real stack (issue 12): 5433 reaches the primary and only it, 5434 a
 * replica and never the primary, before and after a switchover, as PostgreSQL itself says ({@code
 * pg_is_in_recovery()}, {@code inet_server_addr()}). Its own stack on 127.0.5.x.
 */
class HaproxyPortsIT {
  static final String SPEC =
      """
      name: portstest
      local:
        subnet: 127.0.5
      gateway:
        instances: 0
      workers:
        count: 0
      """;

  static Path dir;
  static Path state;

  @BeforeAll
  static void up() {
    dir = TestStack.newDir("madbase-ports-it");
    state = dir.resolve(".madbase");
    Path spec = TestStack.spec(dir, SPEC);
    CliRun r = CliRun.run("up", "-f", spec.toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
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

  /** What answered one new connection: in recovery or not, and at which node's address. */
  record Answer(boolean inRecovery, String address) {}

  static Answer ask(Endpoint at, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", RenderContext.APP_USER);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "10");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + at.host() + ":" + at.port() + "/" + RenderContext.DATABASE,
                p);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), host(inet_server_addr())")) {
      rs.next();
      return new Answer(rs.getBoolean(1), rs.getString(2));
    }
  }

  /**
   * 5433 answers from {@code leader}, not in recovery; 5434, over several connections, from every
   * other node in turn (round-robin), each in recovery.
   */
  static void assertRoutes(LocalDriver d, Member leader) throws SQLException {
    Member haproxy = d.topology().haproxy();
    Endpoint primaryPort = d.topology().endpoint(haproxy, Port.HAPROXY_PRIMARY);
    Endpoint replicasPort = d.topology().endpoint(haproxy, Port.HAPROXY_REPLICAS);
    String pw = d.secrets().app().reveal();
    for (int i = 0; i < 3; i++) {
      assertThat(ask(primaryPort, pw))
          .as("%s", primaryPort)
          .isEqualTo(new Answer(false, leader.host()));
    }
    Set<String> replicas = new HashSet<>();
    for (Member m : d.topology().of(Role.POSTGRES)) {
      if (!m.equals(leader)) {
        replicas.add(m.host());
      }
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Answer a = ask(replicasPort, pw);
      assertThat(a.inRecovery()).as("%s answered by %s", replicasPort, a).isTrue();
      seen.add(a.address());
    }
    assertThat(seen).as("replicas reached through %s", replicasPort).isEqualTo(replicas);
  }

  @Test
  void primaryPortReachesThePrimaryAndReplicasPortTheReplicasBeforeAndAfterASwitchover()
      throws SQLException {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      Member leader = obs.leader().orElseThrow();
      assertRoutes(d, leader);

      var answer = obs.patroni(leader).switchover(leader.name(), null);
      assertThat(answer.ok()).as(answer.body()).isTrue();
      Awaitility.await("a new leader, routed by HAProxy, every other node a replica behind it")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  obs.leader()
                      .filter(l -> !l.equals(leader))
                      .map(l -> obs.haproxy(l.name()).ok() && obs.patroniCluster().ok())
                      .orElse(false));
      Member newLeader = obs.leader().orElseThrow();
      assertThat(newLeader).isNotEqualTo(leader);
      assertRoutes(d, newLeader);
    }
  }
}
