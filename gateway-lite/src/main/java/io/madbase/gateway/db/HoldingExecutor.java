package io.madbase.gateway.db;

import io.madbase.gateway.metrics.GatewayMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs database work and, while the database is unreachable, holds the request: it is tried again
 * until the hold deadline, so clients see latency rather than errors during a failover. A held
 * request occupies no thread: its tries run on the lane of the pool they use, and between tries it
 * is only a callback, on a timer or waiting for the primary's probe (issue 12: held writes on
 * sleeping request threads once took every thread, and reads stalled behind them). Only what is
 * safe is retried: reads, writes that never reached the server, and writes that carry an
 * idempotency key (their work starts by looking the key up). A plain write whose connection died
 * after it was sent ends in {@link WriteOutcomeUnknownException}.
 */
public final class HoldingExecutor implements AutoCloseable {
  static final Logger log = LoggerFactory.getLogger(HoldingExecutor.class);
  private static final long FIRST_BACKOFF_MS = 50;
  // short: a held request should notice a recovered server within a quarter second; the tries are
  // cheap (a pool checkout) and bounded by the hold deadline
  private static final long MAX_BACKOFF_MS = 250;

  /** Whether work may run again after its connection died mid-way. */
  public enum Safety {
    RETRY_SAFE,
    ONCE_SENT_UNSAFE
  }

  /** A result, how many times the request waited before it, and the route that served it. */
  public record Held<T>(T value, int retries, String route) {}

  /**
   * Where one try goes: a pool, the lane (executor) whose threads run the work, the primary's probe
   * when the pool is the primary's (while the probe says down, the request waits for it instead of
   * trying; null: tries are spaced by backoff alone), and who hears of a try that failed in a way
   * worth retrying (null: nobody).
   */
  public record Target(
      String route,
      DataSource pool,
      Executor lane,
      PrimaryWatch watch,
      java.util.function.Consumer<SQLException> failed) {
    public Target(String route, DataSource pool, Executor lane, PrimaryWatch watch) {
      this(route, pool, lane, watch, null);
    }
  }

  private final Duration holdDeadline;
  private final HoldLimit limit;
  private final GatewayMetrics metrics;
  private final ScheduledExecutorService timer;

  public HoldingExecutor(Duration holdDeadline, HoldLimit limit, GatewayMetrics metrics) {
    this.holdDeadline = holdDeadline;
    this.limit = limit;
    this.metrics = metrics;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hold-timer");
              t.setDaemon(true);
              return t;
            });
    metrics.gauge("gateway.held.current", limit::held);
  }

  /** One attempt, no holding, on the caller's thread: a failure is thrown as it came. */
  public static <T> T once(DataSource ds, SqlWork<T> work) throws SQLException {
    try (Lease lease = new Lease(ds.getConnection())) {
      return work.run(lease.connection());
    }
  }

  /**
   * Runs {@code work} on the target {@code targets} gives (asked again before every try: the router
   * replaces the primary pool when the primary comes back, and a held read may change route),
   * retrying what is safe to retry until the hold deadline. The future fails with {@link
   * DbUnavailableException}, {@link HoldLimitException}, {@link WriteOutcomeUnknownException}, or
   * what the work threw.
   */
  public <T> CompletableFuture<Held<T>> hold(
      Supplier<Target> targets, Safety safety, SqlWork<T> work) {
    return hold(targets, safety, work, 0);
  }

  /**
   * As {@link #hold(Supplier, Safety, SqlWork)} for work that was tried already elsewhere ({@code
   * triedBefore} times, counted as retries: a replica read that failed on the request thread).
   */
  public <T> CompletableFuture<Held<T>> hold(
      Supplier<Target> targets, Safety safety, SqlWork<T> work, int triedBefore) {
    HeldCall<T> call = new HeldCall<>(this, targets, safety, work, triedBefore);
    call.proceed();
    return call.future();
  }

  Duration holdDeadline() {
    return holdDeadline;
  }

  HoldLimit limit() {
    return limit;
  }

  GatewayMetrics metrics() {
    return metrics;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  static long backoffMillis(int retries) {
    long base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(retries, 10));
    // jitter: +-20 %, so held requests do not all hit the server in the same millisecond
    return base + ThreadLocalRandom.current().nextLong(-base / 5, base / 5 + 1);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /**
   * A borrowed connection, given back when the attempt ends. Giving it back may fail (a connection
   * cut under its user: HikariCP's close() then throws "This connection has been closed"); that
   * failure changes nothing about the attempt's outcome, which is decided already, so it is not
   * thrown: a write that succeeded was once answered 500 because of it.
   */
  record Lease(Connection connection) implements AutoCloseable {
    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("a broken connection given back: {}", e.getMessage());
      }
    }
  }
}
