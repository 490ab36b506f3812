package io.madbase.chaos;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * What the JDBC probes share: their connection settings, and naming the kind of a PostgreSQL client
 * error for the timeline's "failed by kind".
 */
final class SqlErrors {
  private SqlErrors() {}

  /**
   * Connection settings of a probe: fail fast (a dead primary must show as an error in seconds, not
   * minutes: docs/running-natively.md), and say who we are in pg_stat_activity.
   */
  static java.util.Properties probeConnection(String user, String password) {
    java.util.Properties p =
        io.madbase.observe.PgConnect.properties(user, password, "madbase-probe", 2, 5);
    p.setProperty("tcpKeepAlive", "true");
    return p;
  }

  /** Closes a connection that may already be broken. */
  static void closeQuietly(java.sql.Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // it is broken already; nothing to do
      }
    }
  }

  static String kind(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("25006")) {
      return "read_only";
    }
    if (state.startsWith("57P")) {
      return "server_shutdown";
    }
    if (state.equals("08001") || state.equals("08004")) {
      return "connect_failed";
    }
    if (state.startsWith("08")) {
      return hasCause(e, SocketTimeoutException.class) ? "timeout" : "connection_lost";
    }
    if (state.equals("57014")) {
      return "timeout";
    }
    return state.isEmpty() ? "sql_error" : "sqlstate_" + state;
  }

  /** True for errors that break the connection: the next operation must reconnect. */
  static boolean connectionBroken(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.startsWith("08") || state.startsWith("57P") || state.equals("25006");
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
