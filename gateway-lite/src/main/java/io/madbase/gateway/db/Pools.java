package io.madbase.gateway.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.madbase.gateway.DbUrl;
import java.time.Duration;

/**
 * HikariCP pools tuned for fast recovery after a failover (docs/running-natively.md): short
 * connection and validation timeouts so a request waits on a dead primary for seconds, not minutes;
 * TCP keepalive and a socket timeout so a partitioned server is noticed; no failure at start when
 * the database is unreachable (the gateway starts, {@code /ready} stays false until it answers).
 */
public final class Pools {
  /** {@code application_name} of the shared primary and replica pools. */
  public static final String APP_NAME = "gateway-lite";

  /** How long one attempt waits for a connection; a held request makes several attempts. */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(1500);

  /** Replica reads give up sooner: they fall back to the primary. */
  public static final Duration REPLICA_CONNECTION_TIMEOUT = Duration.ofMillis(500);

  /** A read on a partitioned server fails after this long (then it is retried). */
  public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The longest one attempt holds a pool's connection: a statement ends within the socket timeout.
   */
  static final Duration RETIRE_WAIT = SOCKET_TIMEOUT.plusSeconds(2);

  private Pools() {}

  /**
   * Closes a pool no new work is given to, without cutting the work that holds its connections:
   * idle connections close now, borrowed ones as they come back, then the pool closes. HikariCP's
   * {@code close()} alone aborts borrowed connections at once, which fails a read mid-way and turns
   * a write in flight into one of unknown outcome (seen in a switchover: the write was served by
   * the new primary when the replaced pool was closed under it). Blocks up to {@link #RETIRE_WAIT}.
   */
  public static void retire(HikariDataSource pool) {
    HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
      long deadline = System.nanoTime() + RETIRE_WAIT.toNanos();
      // borrowed connections, and requests still waiting for one (they give it back unused)
      while ((bean.getActiveConnections() > 0 || bean.getThreadsAwaitingConnection() > 0)
          && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    pool.close();
  }

  /** {@code application_name} of a tenant pool. */
  public static String tenantAppName(String projectRef) {
    return APP_NAME + "/" + projectRef;
  }

  public static HikariDataSource open(
      String poolName,
      DbUrl url,
      String applicationName,
      int maxSize,
      int minIdle,
      Duration connectionTimeout) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(poolName);
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    c.setPassword(url.password());
    c.setMaximumPoolSize(maxSize);
    c.setMinimumIdle(Math.min(minIdle, maxSize));
    c.setConnectionTimeout(connectionTimeout.toMillis());
    c.setValidationTimeout(1000);
    // keepalive (HikariCP's minimum is 30 s) finds connections HAProxy or a dead server dropped
    c.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
    c.setIdleTimeout(Duration.ofSeconds(60).toMillis());
    c.setMaxLifetime(Duration.ofMinutes(10).toMillis());
    // -1: the pool starts even when the database does not answer; connections come when it does
    c.setInitializationFailTimeout(-1);
    c.addDataSourceProperty("ApplicationName", applicationName);
    // libpq's connect_timeout=1 behaves as 2 s (docs/running-natively.md); pgjdbc counts whole
    // seconds too
    c.addDataSourceProperty("connectTimeout", "2");
    c.addDataSourceProperty("loginTimeout", "3");
    c.addDataSourceProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
    c.addDataSourceProperty("tcpKeepAlive", "true");
    c.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(c);
  }
}
