package io.madbase.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Writes sequence-numbered rows straight through HAProxy's primary listener, as an application with
 * one connection would: on a broken connection it reconnects for the next write. A write that
 * breaks after it was sent is UNKNOWN (it may have committed), never counted as failed or lost
 * until the ledger is checked.
 */
public final class HaproxyWriter extends Probe {
  private final String url;
  private final Properties props;
  private final String probeId;
  private Connection conn;

  public HaproxyWriter(
      io.madbase.stack.Endpoint at,
      String database,
      String user,
      String password,
      String probeId,
      Duration interval,
      RunClock clock,
      OpLog ops) {
    super("haproxy_writer", interval, clock, ops);
    this.url = "jdbc:postgresql://" + at + "/" + database;
    this.probeId = probeId;
    this.props = SqlErrors.probeConnection(user, password);
  }

  public String probeId() {
    return probeId;
  }

  @Override
  protected void operate(long seq, long intended) {
    boolean sent = false;
    try {
      if (conn == null) {
        conn = DriverManager.getConnection(url, props);
      }
      try (PreparedStatement ps =
          conn.prepareStatement("INSERT INTO probe_writes (probe, seq) VALUES (?, ?)")) {
        ps.setString(1, probeId);
        ps.setLong(2, seq);
        sent = true;
        ps.executeUpdate();
      }
      record(seq, intended, Op.Outcome.OK, "", "", 0, "");
    } catch (SQLException e) {
      String kind = SqlErrors.kind(e);
      // read-only and shutdown errors are answers from the server: the row was not written
      boolean unknown = sent && (kind.equals("connection_lost") || kind.equals("timeout"));
      record(
          seq,
          intended,
          unknown ? Op.Outcome.UNKNOWN : Op.Outcome.FAILED,
          kind,
          firstLine(e.getMessage()),
          0,
          "");
      if (SqlErrors.connectionBroken(e)) {
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    SqlErrors.closeQuietly(conn);
    conn = null;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    super.close();
    closeQuietly();
  }
}
