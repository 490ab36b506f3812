package io.madbase.gateway.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.postgresql.util.PSQLException;

/** What a failed database call means for retrying it. */
public enum SqlFailure {
  /**
   * Nothing reached the server (no connection, or it was closed before use): always safe to retry.
   */
  NOT_SENT,
  /** The server answered with an error that proves the statement did not commit, and may pass. */
  ROLLED_BACK,
  /** The connection died after the statement may have been sent: a write's outcome is unknown. */
  CONNECTION_LOST,
  /** Anything else (bad input, constraint violations, bugs): never retried. */
  PERMANENT;

  // read-only transaction (a demoted primary behind HAProxy), serialization failure, deadlock,
  // too many connections, "the database system is starting up": the statement never committed
  private static final Set<String> ROLLED_BACK_STATES =
      Set.of("25006", "40001", "40P01", "53300", "57P03");

  public static SqlFailure of(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return NOT_SENT; // HikariCP: no connection within the connection timeout
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    boolean serverAnswered = e instanceof PSQLException p && p.getServerErrorMessage() != null;
    if (serverAnswered && ROLLED_BACK_STATES.contains(state)) {
      return ROLLED_BACK;
    }
    if (serverAnswered && !state.startsWith("57P") && !state.startsWith("08")) {
      return PERMANENT;
    }
    if ("08003".equals(state) && !serverAnswered) {
      return NOT_SENT; // pgjdbc: "This connection has been closed." raised before sending anything
    }
    // 08xxx I/O errors and 57P01/57P02 (terminated by an operator or a crash): a commit may or may
    // not have happened just before the connection went
    return state.startsWith("08") || state.startsWith("57P") ? CONNECTION_LOST : PERMANENT;
  }
}
