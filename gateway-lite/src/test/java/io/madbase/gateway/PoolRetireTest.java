package io.madbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.madbase.gateway.db.HoldLimit;
import io.madbase.gateway.db.HoldingExecutor;
import io.madbase.gateway.db.Pools;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.jdbc.PgConnection;

/**
 * A pool the gateway stops using (the primary pool replaced after the primary came back, an evicted
 * tenant pool) is retired: the work holding its connections finishes, then its sessions leave. And
 * a connection cut under its user after the work succeeded does not turn the success into an error.
 */
class PoolRetireTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static HikariDataSource pool(String name) {
    return Pools.open(
        name, DbUrl.parse(TestGateway.url(db.pg())), name, 3, 2, Pools.CONNECTION_TIMEOUT);
  }

  /** A write that takes 1.5 s on a connection of {@code pool}: its new row's name. */
  private static CompletableFuture<String> slowWrite(HikariDataSource pool, String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = pool.getConnection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO items (name) SELECT ? FROM pg_sleep(1.5) RETURNING name")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getString(1);
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
          }
        });
  }

  private static void awaitWriting(String applicationName) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> db.pg().activeSessionsNamed(applicationName) == 1);
  }

  @Test
  void aRetiredPoolLetsItsWriteInFlightFinishThenItsSessionsLeave() throws Exception {
    HikariDataSource pool = pool("retire-test");
    CompletableFuture<String> write = slowWrite(pool, "in-flight-at-retire");
    awaitWriting("retire-test");
    long t0 = System.nanoTime();
    Pools.retire(pool);
    long retireMs = (System.nanoTime() - t0) / 1_000_000;

    assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo("in-flight-at-retire");
    assertThat(retireMs).as("retire waited for the write").isGreaterThan(500);
    assertThat(pool.isClosed()).isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> db.pg().sessionsNamed("retire-test") == 0);
  }

  /** Why retire exists: HikariCP's close() aborts the connections its users hold. */
  @Test
  void closingThePoolInsteadCutsTheWriteInFlight() {
    HikariDataSource pool = pool("close-test");
    CompletableFuture<String> write = slowWrite(pool, "cut-by-close");
    awaitWriting("close-test");
    pool.close();
    assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS))
        .hasMessageContaining("08006")
        .hasMessageContaining("I/O error");
  }

  @Test
  void aWriteThatSucceededIsNotFailedByItsConnectionBreakingOnTheWayBack() throws Exception {
    try (HikariDataSource pool = pool("lease-test")) {
      GatewayMetrics metrics = new GatewayMetrics();
      HoldingExecutor executor =
          new HoldingExecutor(Duration.ofSeconds(2), new HoldLimit(10), metrics);
      // the try runs on this thread (a lane that runs work where it is handed over)
      HoldingExecutor.Target target =
          new HoldingExecutor.Target("primary", pool, Runnable::run, null);
      CompletableFuture<HoldingExecutor.Held<String>> result =
          executor.hold(
              () -> target,
              HoldingExecutor.Safety.ONCE_SENT_UNSAFE,
              c -> {
                String name;
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO items (name) VALUES (?) RETURNING name");
                    ResultSet rs = executeWith(ps, "written-then-cut")) {
                  rs.next();
                  name = rs.getString(1);
                }
                // the physical connection closes under HikariCP, as when a closing pool aborts
                // it: HikariCP's close() of its proxy then throws "This connection has been
                // closed" (SQLSTATE 08003)
                c.unwrap(PgConnection.class).close();
                return name;
              });
      HoldingExecutor.Held<String> held = result.get(5, TimeUnit.SECONDS);
      executor.close();
      assertThat(held.value()).isEqualTo("written-then-cut");
      assertThat(held.retries()).isZero();
    }
  }

  private static ResultSet executeWith(PreparedStatement ps, String name) throws SQLException {
    ps.setString(1, name);
    return ps.executeQuery();
  }
}
