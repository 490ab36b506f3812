package io.madbase.driver;

import io.madbase.MadbaseException;
import io.madbase.common.SeedSchema;
import io.madbase.render.RenderContext;
import io.madbase.stack.Endpoint;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Secrets;
import io.madbase.stack.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Creates what the gateway and the probes need on a new cluster: the application role and its
 * database (as the superuser, on the leader). Idempotent: a second run changes nothing.
 */
final class DatabaseBootstrap {
  private final Topology topology;
  private final Secrets secrets;

  DatabaseBootstrap(Topology topology, Secrets secrets) {
    this.topology = topology;
    this.secrets = secrets;
  }

  void ensure(Member leader) {
    Endpoint pg = topology.endpoint(leader, Port.POSTGRES);
    String url = "jdbc:postgresql://" + pg + "/postgres";
    try (Connection c =
        DriverManager.getConnection(url, props("postgres", secrets.superuser().reveal()))) {
      if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", RenderContext.APP_USER)) {
        try (Statement st = c.createStatement()) {
          // DDL takes no bind parameters; the role name is ours and the password alphanumeric
          st.execute(
              "CREATE ROLE "
                  + RenderContext.APP_USER
                  + " LOGIN PASSWORD "
                  + literal(secrets.app().reveal()));
        }
      }
      if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", RenderContext.DATABASE)) {
        try (Statement st = c.createStatement()) {
          st.execute(
              "CREATE DATABASE " + RenderContext.DATABASE + " OWNER " + RenderContext.APP_USER);
        }
      }
    } catch (SQLException e) {
      throw MadbaseException.environment(
          "cannot create the application role and database on "
              + leader.name()
              + ": "
              + e.getMessage());
    }
    // the seed schema (probe ledger, demo tables, projects) belongs to the gateway; applied as its
    // user
    String appUrl = "jdbc:postgresql://" + pg + "/" + RenderContext.DATABASE;
    try (Connection c =
        DriverManager.getConnection(
            appUrl, props(RenderContext.APP_USER, secrets.app().reveal()))) {
      SeedSchema.apply(c);
    } catch (SQLException e) {
      throw MadbaseException.environment(
          "cannot apply the seed schema on " + leader.name() + ": " + e.getMessage());
    }
  }

  static Properties props(String user, String password) {
    return io.madbase.observe.PgConnect.properties(user, password, "madbase", 5, 30);
  }

  private static boolean exists(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** A SQL string literal (single quotes doubled). */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
