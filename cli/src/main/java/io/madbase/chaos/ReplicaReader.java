package io.madbase.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Reads through HAProxy's replicas listener, and notes whether a replica answered
 * (pg_is_in_recovery): a read served by the primary there is a stale route.
 */
public final class ReplicaReader extends Probe {
  private final String url;
  private final Properties props;
  private Connection conn;

  public ReplicaReader(
      io.madbase.stack.Endpoint at,
      String database,
      String user,
      String password,
      Duration interval,
      RunClock clock,
      OpLog ops) {
    super("replica_reader", interval, clock, ops);
    this.url = "jdbc:postgresql://" + at + "/" + database;
    this.props = SqlErrors.probeConnection(user, password);
    props.setProperty("readOnly", "true");
  }

  @Override
  protected void operate(long seq, long intended) {
    try {
      if (conn == null) {
        conn = DriverManager.getConnection(url, props);
      }
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), inet_server_addr()::text")) {
        rs.next();
        boolean replica = rs.getBoolean(1);
        record(
            seq, intended, Op.Outcome.OK, "", replica ? "replica" : "primary", 0, rs.getString(2));
      }
    } catch (SQLException e) {
      record(
          seq,
          intended,
          Op.Outcome.FAILED,
          SqlErrors.kind(e),
          HaproxyWriter.firstLine(e.getMessage()),
          0,
          "");
      if (SqlErrors.connectionBroken(e)) {
        SqlErrors.closeQuietly(conn);
        conn = null;
      }
    }
  }

  @Override
  public void close() {
    super.close();
    SqlErrors.closeQuietly(conn);
  }
}
