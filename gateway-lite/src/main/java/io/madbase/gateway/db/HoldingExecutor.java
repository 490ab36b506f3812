package io.madbase.gateway.db;

import com.zaxxer.hikari.HikariDataSource;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs database work and, while the database is unreachable, holds the request: it retries with
 * backoff until the hold deadline, so clients see latency rather than errors during a failover.
 * Only what is safe is retried: reads, writes that never reached the server, and writes that carry
 * an idempotency key (their work starts by looking the key up). A plain write whose connection died
 * after it was sent ends in {@link WriteOutcomeUnknownException}.
 */
public final class HoldingExecutor {
  private static final Logger log = LoggerFactory.getLogger(HoldingExecutor.class);
  private static final long FIRST_BACKOFF_MS = 50;
  // short: a held request should notice the new primary within a quarter second of it being
  // routed to; the tries are cheap (a pool checkout) and bounded by the hold deadline
  private static final long MAX_BACKOFF_MS = 250;

  /** Whether work may run again after its connection died mid-way. */
  public enum Safety {
    RETRY_SAFE,
    ONCE_SENT_UNSAFE
  }

  /** A result and how many retries it took. */
  public record Held<T>(T value, int retries) {}

  private final Duration holdDeadline;
  private final GatewayMetrics metrics;

  public HoldingExecutor(Duration holdDeadline, GatewayMetrics metrics) {
    this.holdDeadline = holdDeadline;
    this.metrics = metrics;
  }

  /** One attempt, no holding: a failure of the work is thrown as it came. */
  public static <T> T once(DataSource ds, SqlWork<T> work) throws SQLException {
    try (Lease lease = new Lease(ds.getConnection())) {
      return work.run(lease.connection);
    }
  }

  /** Runs {@code work}, retrying what is safe to retry until the hold deadline. */
  public <T> Held<T> hold(String route, DataSource ds, Safety safety, SqlWork<T> work)
      throws SQLException {
    return hold(route, () -> ds, safety, work);
  }

  /**
   * As {@link #hold(String, DataSource, Safety, SqlWork)}, asking {@code pool} for the data source
   * on every try: the router replaces the primary pool when the primary comes back.
   */
  public <T> Held<T> hold(
      String route,
      java.util.function.Supplier<? extends DataSource> pool,
      Safety safety,
      SqlWork<T> work)
      throws SQLException {
    long start = System.nanoTime();
    long deadline = start + holdDeadline.toNanos();
    int retries = 0;
    while (true) {
      SQLException failure;
      DataSource ds = pool.get();
      try (Lease lease = new Lease(acquire(ds))) {
        Connection c = lease.connection;
        if (pool.get() != ds) {
          // the pool was replaced while this waited for one of its connections: nothing was sent;
          // the retired pool may be closing under it (and cut what it gives out), so take the new
          // one's at once
          metrics.retry(route);
          retries++;
          continue;
        }
        try {
          if (safety == Safety.ONCE_SENT_UNSAFE) {
            checkBeforeSending(ds, c);
          }
          T value = work.run(c);
          // success with PostgreSQL's "canceling wait for synchronous replication" warning is a
          // commit on this primary only: not done (issue 11)
          UnreplicatedCommit.check(c, null, retries);
          if (retries > 0) {
            metrics.held("served");
            log.info(
                "{} request served after {} retries ({} ms held)",
                route,
                retries,
                (System.nanoTime() - start) / 1_000_000);
          }
          return new Held<>(value, retries);
        } catch (SQLException e) {
          failure = e;
          SqlFailure kind = SqlFailure.of(e);
          if (kind == SqlFailure.PERMANENT) {
            throw e;
          }
          if (kind == SqlFailure.CONNECTION_LOST && safety == Safety.ONCE_SENT_UNSAFE) {
            metrics.writeOutcomeUnknown();
            metrics.held("outcome_unknown");
            throw new WriteOutcomeUnknownException(retries, e);
          }
        }
      } catch (NotAcquired e) {
        failure = e.cause;
      }
      long backoff = backoffMillis(retries);
      if (System.nanoTime() + backoff * 1_000_000 >= deadline) {
        metrics.held("expired");
        throw new DbUnavailableException(route, retries, holdDeadline, failure);
      }
      metrics.retry(route);
      retries++;
      log.debug(
          "{} database unavailable ({}), retry {} in {} ms",
          route,
          failure.getSQLState(),
          retries,
          backoff);
      sleep(backoff);
    }
  }

  /**
   * A write that cannot be retried once sent first proves its connection alive with a round trip: a
   * session the server ended while it sat in the pool (a switchover's fast shutdown sends FATAL
   * 57P01 to idle sessions) would otherwise fail the write after it was sent, and the write would
   * be reported unknown although it never ran. HikariCP skips its own check for connections used in
   * the last 500 ms.
   */
  private static void checkBeforeSending(DataSource ds, Connection c) throws SQLException {
    if (!c.isValid(1)) {
      if (ds instanceof HikariDataSource h) {
        h.evictConnection(c);
      }
      throw new SQLException("the connection was closed before the write was sent", "08003");
    }
  }

  /**
   * A borrowed connection, given back when the attempt ends. Giving it back may fail (a connection
   * cut under its user: HikariCP's close() then throws "This connection has been closed"); that
   * failure changes nothing about the attempt's outcome, which is decided already, so it is not
   * thrown: a write that succeeded was once answered 500 because of it.
   */
  private static final class Lease implements AutoCloseable {
    final Connection connection;

    Lease(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("a broken connection given back: {}", e.getMessage());
      }
    }
  }

  private static Connection acquire(DataSource ds) throws NotAcquired {
    try {
      return ds.getConnection();
    } catch (SQLException e) {
      throw new NotAcquired(e);
    }
  }

  /** Getting a connection failed: nothing was sent. */
  private static final class NotAcquired extends Exception {
    final SQLException cause;

    NotAcquired(SQLException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  static long backoffMillis(int retries) {
    long base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(retries, 10));
    // jitter: +-20 %, so held requests do not all hit the new primary in the same millisecond
    return base + ThreadLocalRandom.current().nextLong(-base / 5, base / 5 + 1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding a request", e);
    }
  }
}
