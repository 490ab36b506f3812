package io.madbase.gateway.rest;

import io.madbase.gateway.http.ApiException;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables the data API serves: those of schema {@code public} (views too), except the gateway's
 * own {@code madbase_*} tables. Cached per pool; reloaded when older than {@link #MAX_AGE_NANOS},
 * or on a miss when older than a second (a table created just now shows up).
 */
public final class TableCatalog {
  static final long MAX_AGE_NANOS = 30_000_000_000L;
  private static final long MISS_RELOAD_NANOS = 1_000_000_000L;
  private static final String QUERY =
      """
      SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT LIKE 'madbase\\_%'
      ORDER BY c.relname, a.attnum""";

  /** A table and its columns (name to SQL type), in column order. */
  public record Table(String name, Map<String, String> columns) {
    public String requireColumn(String column) {
      Identifiers.require("column", column);
      if (!columns.containsKey(column)) {
        throw ApiException.badRequest(
            "unknown_column", "table " + name + " has no column " + column);
      }
      return column;
    }

    boolean isJson(String column) {
      String type = columns.get(column);
      return "json".equals(type) || "jsonb".equals(type);
    }
  }

  private record Snapshot(long loadedAt, Map<String, Table> tables) {}

  private final Map<String, Snapshot> byPool = new ConcurrentHashMap<>();
  private final GatewayMetrics metrics;

  public TableCatalog(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /** The table named {@code name} in the pool {@code pool} reached through {@code c}, or 404. */
  public Table require(String pool, Connection c, String name) throws SQLException {
    Identifiers.require("table", name);
    Snapshot s = byPool.get(pool);
    long now = System.nanoTime();
    boolean fresh = s != null && now - s.loadedAt < MAX_AGE_NANOS;
    metrics.cache("table_catalog", fresh);
    if (!fresh || (!s.tables.containsKey(name) && now - s.loadedAt > MISS_RELOAD_NANOS)) {
      s = load(c);
      byPool.put(pool, s);
    }
    Table t = s.tables.get(name);
    if (t == null) {
      throw ApiException.notFound("unknown_table", "no table named " + name);
    }
    return t;
  }

  private static Snapshot load(Connection c) throws SQLException {
    Map<String, Map<String, String>> cols = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      while (rs.next()) {
        cols.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
            .put(rs.getString(2), rs.getString(3));
      }
    }
    Map<String, Table> tables = new LinkedHashMap<>();
    cols.forEach((name, columns) -> tables.put(name, new Table(name, Map.copyOf(columns))));
    return new Snapshot(System.nanoTime(), Map.copyOf(tables));
  }
}
