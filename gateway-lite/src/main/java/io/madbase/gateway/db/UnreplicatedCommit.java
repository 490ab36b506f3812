package io.madbase.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;

/**
 * With synchronous replication a commit waits until a standby has it. When that wait is cancelled
 * (pg_cancel_backend, a driver's query cancel, an operator's tool) PostgreSQL answers the commit
 * with success and a WARNING: "canceling wait for synchronous replication due to user request ...
 * The transaction has already committed locally, but might not have been replicated to the
 * standby." The commit is on the primary only, and gone if that primary is then replaced (a
 * partitioned primary is exactly where commits wait). Such a write is not done: the gateway answers
 * it as of unknown outcome (504), never 201, and never retries it (a retry of a keyed write would
 * find the key the primary alone has and replay it as a success).
 *
 * <p>The gateway itself never cancels a statement: it sets no query timeout, and its socket timeout
 * closes the connection instead (the commit then keeps waiting on the server, and the write's
 * outcome is unknown as after any lost connection). This check is for the cancels that come from
 * elsewhere. The warning is recognised by the server function that raises it ({@code
 * SyncRepWaitForLSN}, sent with every message whatever the server's language), or by its English
 * text.
 */
public final class UnreplicatedCommit {
  static final String ROUTINE = "SyncRepWaitForLSN";

  private UnreplicatedCommit() {}

  /**
   * Throws when {@code c} or {@code s} carries the warning; clears what it has read. Reading the
   * warnings never fails the work: a connection closed after it succeeded (a retired pool aborting
   * it) has none to read, and the outcome is decided already.
   */
  public static void check(Connection c, Statement s, int retries) {
    Optional<SQLWarning> w = find(warnings(s));
    if (w.isEmpty()) {
      w = find(warnings(c));
    }
    if (w.isPresent()) {
      try {
        c.clearWarnings();
      } catch (SQLException e) {
        // closed meanwhile: nothing to clear
      }
      throw new WriteOutcomeUnknownException(
          retries,
          "the primary committed the write but its wait for the synchronous standby was cancelled"
              + " (\""
              + w.get().getMessage()
              + "\"): it may exist on the primary only",
          w.get());
    }
  }

  private static SQLWarning warnings(Statement s) {
    try {
      return s == null ? null : s.getWarnings();
    } catch (SQLException e) {
      return null;
    }
  }

  private static SQLWarning warnings(Connection c) {
    try {
      return c.getWarnings();
    } catch (SQLException e) {
      return null;
    }
  }

  /** The synchronous-replication cancel warning in {@code chain}, if it is there. */
  static Optional<SQLWarning> find(SQLWarning chain) {
    for (SQLWarning w = chain; w != null; w = w.getNextWarning()) {
      if (isUnreplicatedCommit(w)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  static boolean isUnreplicatedCommit(SQLWarning w) {
    if (w instanceof PSQLWarning p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && ROUTINE.equals(m.getRoutine())) {
        return true;
      }
    }
    String text = String.valueOf(w.getMessage()).toLowerCase(Locale.ROOT);
    return text.contains("wait for synchronous replication")
        || text.contains("committed locally, but might not have been replicated");
  }
}
