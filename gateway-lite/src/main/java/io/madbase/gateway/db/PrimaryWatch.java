package io.madbase.gateway.db;

import io.madbase.gateway.DbUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's readiness probe of the primary ({@code SELECT pg_is_in_recovery()} on a connection
 * of its own, every second while up, every 200 ms while down), and the requests held until it
 * answers again: when the primary comes back they are woken at once, after {@code onReturn} (the
 * router's fresh pool) has run, instead of each finding out on a timer of its own.
 */
public final class PrimaryWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PrimaryWatch.class);
  private static final Duration INTERVAL_UP = Duration.ofSeconds(1);

  /** While the primary is down it is looked at five times as often, to notice its return. */
  private static final Duration INTERVAL_DOWN = Duration.ofMillis(200);

  private final DbUrl url;
  private final Runnable onReturn;
  private final ScheduledExecutorService prober;
  private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean lookRequested = new AtomicBoolean();
  private volatile boolean up;
  private volatile boolean closed;
  private boolean everUp; // probe thread only

  /** Used by the probe thread only. */
  private Connection connection;

  /**
   * Starts watching {@code url}; {@code onReturn} runs on the probe thread when the primary answers
   * again after being down, before held requests are woken.
   */
  public PrimaryWatch(DbUrl url, Runnable onReturn) {
    this.url = url;
    this.onReturn = onReturn;
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "primary-probe");
              t.setDaemon(true);
              return t;
            });
    prober.execute(this::lookAndReschedule);
  }

  /** Whether the primary answered the last look as a primary (not in recovery). */
  public boolean up() {
    return up;
  }

  /**
   * Runs {@code wake} once, on the probe thread, when the primary answers again; at once (on the
   * caller's thread) when it is up already. {@link #cancel} withdraws it.
   */
  public void whenUp(Runnable wake) {
    waiting.add(wake);
    // the probe may have turned up between the caller's look and the add: wake it here then
    if (up && waiting.remove(wake)) {
      wake.run();
    }
  }

  /** Withdraws a {@link #whenUp} callback that has not run; whether it was still waiting. */
  public boolean cancel(Runnable wake) {
    return waiting.remove(wake);
  }

  /** How many requests wait for the primary. */
  public int waitingCount() {
    return waiting.size();
  }

  /**
   * A request failed in a way that suggests the primary is gone: look now rather than at the next
   * interval, so the requests after it wait for the probe instead of trying a dead primary.
   */
  public void suspect() {
    if (up && !closed && lookRequested.compareAndSet(false, true)) {
      try {
        prober.execute(
            () -> {
              lookRequested.set(false);
              look();
            });
      } catch (RejectedExecutionException e) {
        lookRequested.set(false); // closing
      }
    }
  }

  private void lookAndReschedule() {
    look();
    if (!closed) {
      try {
        prober.schedule(
            this::lookAndReschedule,
            (up ? INTERVAL_UP : INTERVAL_DOWN).toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void look() {
    boolean now = answersAsPrimary();
    if (now == up || closed) {
      everUp |= now;
      return;
    }
    log.info("primary {} is {}", url, now ? "up" : "down");
    if (now && everUp) {
      onReturn.run();
    }
    everUp |= now;
    up = now;
    if (now) {
      wakeAll();
    }
  }

  private void wakeAll() {
    int woken = 0;
    for (Runnable wake : waiting) {
      if (waiting.remove(wake)) {
        wake.run();
        woken++;
      }
    }
    if (woken > 0) {
      log.info("primary back: {} held requests woken", woken);
    }
  }

  /**
   * One query on the probe's own connection, kept open between looks (opening one costs a
   * SCRAM-SHA-256 handshake: measured at ~7 % of the gateway's CPU when done every second). A
   * broken connection (HAProxy cuts sessions to a node it marks down) is reopened on the next look.
   */
  private boolean answersAsPrimary() {
    try {
      if (connection == null) {
        Properties props = new Properties();
        url.userName().ifPresent(u -> props.setProperty("user", u));
        if (url.password() != null) {
          props.setProperty("password", url.password());
        }
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "2");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", Pools.APP_NAME + "/probe");
        connection = DriverManager.getConnection(url.jdbcUrl(), props);
      }
      try (Statement s = connection.createStatement();
          var rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() && !rs.getBoolean(1);
      }
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      return false;
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // broken already
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    prober.shutdownNow();
    try {
      prober.awaitTermination(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
    waiting.clear();
  }
}
