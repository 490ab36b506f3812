package io.madbase.gateway.db;

import com.zaxxer.hikari.HikariDataSource;
import io.madbase.gateway.db.HoldingExecutor.Held;
import io.madbase.gateway.db.HoldingExecutor.Lease;
import io.madbase.gateway.db.HoldingExecutor.Safety;
import io.madbase.gateway.db.HoldingExecutor.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * One request's database work through its tries and waits. Each try runs on its target's lane;
 * between tries the call waits on the hold timer (backoff) or, when its target is the primary and
 * the probe says the primary is down, for the probe to see it back. Nothing here blocks a thread
 * except the try itself. Only one step runs at a time: a try schedules the next step when it ends,
 * and a wait is ended once, by whichever of its wake-up and the deadline comes first.
 */
final class HeldCall<T> {
  private final HoldingExecutor holder;
  private final Supplier<Target> targets;
  private final Safety safety;
  private final SqlWork<T> work;
  private final CompletableFuture<Held<T>> future = new CompletableFuture<>();
  private final long start = System.nanoTime();
  private final long deadline;
  // the same instance every time: the probe keeps it in a set until it runs or is withdrawn
  private final Runnable wake = this::woken;
  private final AtomicBoolean waitingForPrimary = new AtomicBoolean();
  private volatile PrimaryWatch parkedOn;
  private volatile ScheduledFuture<?> deadlineTimer;
  private volatile int retries;
  private volatile boolean holding;
  private volatile String route;
  private volatile SQLException last;

  HeldCall(
      HoldingExecutor holder,
      Supplier<Target> targets,
      Safety safety,
      SqlWork<T> work,
      int triedBefore) {
    this.retries = triedBefore;
    this.holder = holder;
    this.targets = targets;
    this.safety = safety;
    this.work = work;
    this.deadline = start + holder.holdDeadline().toNanos();
  }

  CompletableFuture<Held<T>> future() {
    return future;
  }

  /** The next step: wait for the primary if it is down, else a try on the target's lane. */
  void proceed() {
    Target t = targets.get();
    route = t.route();
    if (primaryDown(t)) {
      retryLater(probeSaysDown(), t);
      return;
    }
    try {
      t.lane().execute(() -> tryOnce(t));
    } catch (RejectedExecutionException e) {
      finish(new DbUnavailableException(t.route(), retries, holder.holdDeadline(), shuttingDown()));
    }
  }

  private void tryOnce(Target t) {
    try {
      attempt(t);
    } catch (RuntimeException | Error e) {
      // a bug must not leave the client waiting forever
      finish(e);
    }
  }

  private void attempt(Target t) {
    if (primaryDown(t)) {
      // the probe turned down while this waited in the lane's queue: no try against a dead primary
      retryLater(probeSaysDown(), t);
      return;
    }
    DataSource ds = t.pool();
    Connection c;
    try {
      c = ds.getConnection();
    } catch (SQLException e) {
      failedRetryably(e, t); // nothing was sent
      return;
    }
    T value;
    try (Lease lease = new Lease(c)) {
      if (targets.get().pool() != ds) {
        // the pool was replaced while this waited for one of its connections: nothing was sent;
        // the retired pool may be closing under it (and cut what it gives out): take the new one's
        countRetry(t.route());
        holder.timer().execute(this::proceed);
        return;
      }
      if (safety == Safety.ONCE_SENT_UNSAFE) {
        checkBeforeSending(ds, lease.connection());
      }
      value = work.run(lease.connection());
      // success with PostgreSQL's "canceling wait for synchronous replication" warning is a
      // commit on this primary only: not done (issue 11); thrown, it ends the request as such
      UnreplicatedCommit.check(lease.connection(), null, retries);
    } catch (SQLException e) {
      SqlFailure kind = SqlFailure.of(e);
      if (kind == SqlFailure.PERMANENT) {
        finish(e);
      } else if (kind == SqlFailure.CONNECTION_LOST && safety == Safety.ONCE_SENT_UNSAFE) {
        holder.metrics().writeOutcomeUnknown();
        if (holding) {
          holder.metrics().held("outcome_unknown");
        }
        finish(new WriteOutcomeUnknownException(retries, e));
      } else {
        failedRetryably(e, t);
      }
      return;
    }
    // the connection is back in its pool before the response is written
    if (holding) {
      holder.metrics().held("served");
      // debug: after a failover hundreds are served within a second; PrimaryWatch logs the wake-up
      HoldingExecutor.log.debug(
          "{} request served after {} retries ({} ms held)",
          t.route(),
          retries,
          (System.nanoTime() - start) / 1_000_000);
    }
    finish(new Held<>(value, retries, t.route()));
  }

  private void failedRetryably(SQLException e, Target t) {
    if (t.watch() != null) {
      // the probe looks now: the requests after this one wait instead of trying
      t.watch().suspect();
    }
    if (t.failed() != null) {
      t.failed().accept(e);
    }
    retryLater(e, t);
  }

  /**
   * After a try failed in a way that is safe to retry (or without a try, the primary being down):
   * the request is held, within {@code HOLD_MAX}, until the deadline.
   */
  private void retryLater(SQLException failure, Target failed) {
    last = failure;
    if (!holding) {
      if (!holder.limit().tryEnter()) {
        holder.metrics().held("rejected");
        finish(new HoldLimitException(failed.route(), holder.limit().max(), retries));
        return;
      }
      holding = true;
      long remaining = deadline - System.nanoTime();
      deadlineTimer =
          holder.timer().schedule(this::deadlineReached, remaining, TimeUnit.NANOSECONDS);
    }
    Target next = targets.get();
    route = next.route();
    if (primaryDown(next)) {
      countRetry(next.route());
      waitForPrimary(next.watch());
      return;
    }
    long backoff = HoldingExecutor.backoffMillis(retries);
    if (System.nanoTime() + backoff * 1_000_000 - deadline >= 0) {
      expire();
      return;
    }
    countRetry(next.route());
    HoldingExecutor.log.debug(
        "{} database unavailable ({}), retry {} in {} ms",
        next.route(),
        failure.getSQLState(),
        retries,
        backoff);
    holder.timer().schedule(this::proceed, backoff, TimeUnit.MILLISECONDS);
  }

  private void waitForPrimary(PrimaryWatch watch) {
    parkedOn = watch;
    waitingForPrimary.set(true);
    if (System.nanoTime() - deadline >= 0) {
      deadlineReached(); // the deadline timer may have fired before this wait began
      return;
    }
    watch.whenUp(wake); // runs wake at once if the primary is up by now
  }

  /** The probe saw the primary answer again. */
  private void woken() {
    if (waitingForPrimary.compareAndSet(true, false)) {
      proceed();
    }
  }

  private void deadlineReached() {
    if (waitingForPrimary.compareAndSet(true, false)) {
      parkedOn.cancel(wake);
      expire();
    }
    // otherwise a try or a backoff is under way: it ends in expire() itself
  }

  private void expire() {
    holder.metrics().held("expired");
    finish(new DbUnavailableException(route, retries, holder.holdDeadline(), last));
  }

  private void countRetry(String r) {
    retries++;
    holder.metrics().retry(r);
  }

  private void finish(Held<T> held) {
    release();
    future.complete(held);
  }

  private void finish(Throwable failure) {
    release();
    future.completeExceptionally(failure);
  }

  /** Gives back the place in {@code HOLD_MAX} and the deadline timer. */
  private void release() {
    if (holding) {
      holding = false;
      holder.limit().exit();
      ScheduledFuture<?> timer = deadlineTimer;
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  private static boolean primaryDown(Target t) {
    return t.watch() != null && !t.watch().up();
  }

  private static SQLException probeSaysDown() {
    return new SQLException("the primary does not answer the gateway's probe", "08001");
  }

  private static SQLException shuttingDown() {
    return new SQLException("the gateway is shutting down", "08003");
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
}
