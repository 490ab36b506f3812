package io.madbase.common;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The seed schema of the demo and the probes, applied as the app user on the {@code madbase}
 * database. Idempotent: every statement is {@code IF NOT EXISTS} / {@code ON CONFLICT DO NOTHING}.
 *
 * <ul>
 *   <li>{@code probe_writes}: the acknowledged-write ledger; {@code (probe, seq)} is unique, so a
 *       retried write of a known sequence number conflicts (409) instead of doubling.
 *   <li>{@code items}: demo rows.
 *   <li>{@code madbase_projects}: project configs (tenancy), with the project {@code default}.
 *   <li>{@code madbase_idempotency}: responses of POSTs sent with an {@code Idempotency-Key}.
 * </ul>
 *
 * Tables whose names start with {@code madbase_} are never served by the data API.
 */
public final class SeedSchema {
  public static final String DEFAULT_PROJECT = "default";

  static final List<String> STATEMENTS =
      List.of(
          """
      CREATE TABLE IF NOT EXISTS probe_writes (
        id bigserial PRIMARY KEY,
        probe text NOT NULL,
        seq bigint NOT NULL,
        payload jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (probe, seq))""",
          """
      CREATE TABLE IF NOT EXISTS items (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        qty int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now())""",
          """
      CREATE TABLE IF NOT EXISTS madbase_projects (
        ref text PRIMARY KEY CHECK (ref ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        db_url text,
        max_rows int NOT NULL DEFAULT 1000 CHECK (max_rows > 0),
        rate_limit_per_minute int NOT NULL DEFAULT 0 CHECK (rate_limit_per_minute >= 0),
        enabled boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now())""",
          "INSERT INTO madbase_projects (ref) VALUES ('"
              + DEFAULT_PROJECT
              + "') ON CONFLICT (ref) DO NOTHING",
          """
      CREATE TABLE IF NOT EXISTS madbase_idempotency (
        project text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status int NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project, key))""");

  private SeedSchema() {}

  /** The statements, in order (for a bootstrap script that runs them outside Java). */
  public static List<String> statements() {
    return STATEMENTS;
  }

  /** Applies the seed schema on {@code connection} (autocommit or not: it commits its own work). */
  public static void apply(Connection connection) throws SQLException {
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      for (String sql : STATEMENTS) {
        s.execute(sql);
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }
}
