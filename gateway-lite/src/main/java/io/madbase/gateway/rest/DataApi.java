package io.madbase.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.madbase.gateway.db.DbRouter;
import io.madbase.gateway.db.HoldingExecutor.Safety;
import io.madbase.gateway.db.UnreplicatedCommit;
import io.madbase.gateway.http.ApiException;
import io.madbase.gateway.project.ProjectConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The data API's database side: {@code SELECT} with filters and {@code INSERT … RETURNING *}. A
 * POST with an {@code Idempotency-Key} runs in a transaction that first looks the key up and stores
 * its response with the rows, so retrying it (by the client, or by the gateway after a lost
 * connection) never inserts twice.
 */
public final class DataApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_KEY_LENGTH = 200;

  /** A response: status, body, and where and how it was served. */
  public record Result(
      int status, JsonNode body, int retries, String route, String pool, boolean replayed) {}

  private record Written(int status, JsonNode body, boolean replayed) {}

  private final DbRouter router;
  private final TableCatalog catalog;

  public DataApi(DbRouter router, TableCatalog catalog) {
    this.router = router;
    this.catalog = catalog;
  }

  /**
   * Rows of {@code table}; done at once when served by the replica, later when the read is held or
   * runs on a lane.
   */
  public CompletableFuture<Result> select(
      ProjectConfig project, String table, Map<String, List<String>> params) {
    Identifiers.require("table", table);
    SelectQuery query = SelectQuery.parse(params);
    return router
        .read(
            project,
            c -> {
              SelectQuery.Statement st =
                  query.toSql(
                      catalog.require(router.poolKey(project), c, table), project.maxRows());
              try (PreparedStatement ps = c.prepareStatement(st.sql())) {
                for (int i = 0; i < st.params().size(); i++) {
                  ps.setObject(i + 1, st.params().get(i), Types.OTHER);
                }
                try (ResultSet rs = ps.executeQuery()) {
                  return Rows.toJson(rs);
                }
              }
            })
        .thenApply(
            routed ->
                new Result(
                    200, routed.value(), routed.retries(), routed.route(), routed.pool(), false));
  }

  /** Inserts the rows of {@code body}; done when the primary (or tenant database) answered. */
  public CompletableFuture<Result> insert(
      ProjectConfig project, String table, String body, Optional<String> idempotencyKey) {
    Identifiers.require("table", table);
    List<JsonNode> rows = parseRows(body);
    idempotencyKey.ifPresent(DataApi::checkKey);
    CompletableFuture<DbRouter.Routed<Written>> routed =
        idempotencyKey.isPresent()
            ? router.write(
                project,
                Safety.RETRY_SAFE,
                c -> keyedInsert(c, project, table, rows, idempotencyKey.get(), hash(table, body)))
            : router.write(
                project,
                Safety.ONCE_SENT_UNSAFE,
                c -> new Written(201, insertRows(c, project, table, rows), false));
    return routed.thenApply(
        r ->
            new Result(
                r.value().status(),
                r.value().body(),
                r.retries(),
                r.route(),
                r.pool(),
                r.value().replayed()));
  }

  private ArrayNode insertRows(
      Connection c, ProjectConfig project, String table, List<JsonNode> rows) throws SQLException {
    TableCatalog.Table t = catalog.require(router.poolKey(project), c, table);
    List<String> columns = new ArrayList<>();
    rows.get(0).fieldNames().forEachRemaining(f -> columns.add(t.requireColumn(f)));
    StringBuilder sql =
        new StringBuilder("INSERT INTO public.").append(Identifiers.quote(t.name()));
    if (columns.isEmpty()) {
      sql.append(" DEFAULT VALUES");
      if (rows.size() > 1) {
        throw ApiException.badRequest("invalid_body", "several rows need at least one column");
      }
    } else {
      sql.append(" (")
          .append(String.join(", ", columns.stream().map(Identifiers::quote).toList()))
          .append(") VALUES ");
      String tuple = "(" + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
      sql.append(String.join(", ", rows.stream().map(r -> tuple).toList()));
    }
    sql.append(" RETURNING *");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      for (JsonNode row : rows) {
        for (String col : columns) {
          bind(ps, i++, t, col, row.get(col));
        }
      }
      ArrayNode inserted;
      try (ResultSet rs = ps.executeQuery()) {
        inserted = Rows.toJson(rs);
      }
      // in autocommit the commit's warnings come with the statement, and go when it is closed
      UnreplicatedCommit.check(c, ps, 0);
      return inserted;
    }
  }

  private static void bind(
      PreparedStatement ps, int i, TableCatalog.Table t, String column, JsonNode v)
      throws SQLException {
    if (v == null || v.isNull()) {
      ps.setNull(i, Types.OTHER);
    } else if (t.isJson(column)) {
      ps.setObject(i, v.toString(), Types.OTHER);
    } else if (v.isContainerNode()) {
      throw ApiException.badRequest(
          "invalid_body", "column " + column + " takes a plain value, not an object or array");
    } else {
      ps.setObject(i, v.asText(), Types.OTHER);
    }
  }

  private Written keyedInsert(
      Connection c,
      ProjectConfig project,
      String table,
      List<JsonNode> rows,
      String key,
      String hash)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      Optional<Written> earlier = storedResponse(c, project.ref(), key, hash);
      if (earlier.isPresent()) {
        c.rollback();
        return earlier.get();
      }
      ArrayNode inserted = insertRows(c, project, table, rows);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO madbase_idempotency (project, key, request_hash, status, response) VALUES (?, ?, ?, 201, ?::jsonb)")) {
        ps.setString(1, project.ref());
        ps.setString(2, key);
        ps.setString(3, hash);
        ps.setString(4, inserted.toString());
        ps.executeUpdate();
      }
      c.commit();
      return new Written(201, inserted, false);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      resetAutoCommit(c);
    }
  }

  private static Optional<Written> storedResponse(
      Connection c, String project, String key, String hash) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT request_hash, status, response FROM madbase_idempotency WHERE project = ? AND key = ?")) {
      ps.setString(1, project);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        if (!rs.getString(1).equals(hash)) {
          throw new ApiException(
              409,
              "idempotency_key_reused",
              "this Idempotency-Key was used for a different request");
        }
        return Optional.of(new Written(rs.getInt(2), readJson(rs.getString(3)), true));
      }
    }
  }

  private static List<JsonNode> parseRows(String body) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null) {
      throw ApiException.badRequest(
          "invalid_body", "a JSON object or an array of objects is required");
    }
    List<JsonNode> rows = new ArrayList<>();
    if (root.isObject()) {
      rows.add(root);
    } else if (root.isArray() && !root.isEmpty()) {
      root.forEach(rows::add);
    } else {
      throw ApiException.badRequest(
          "invalid_body", "a JSON object or a non-empty array of objects is required");
    }
    List<String> first = names(rows.get(0));
    for (JsonNode r : rows) {
      if (!r.isObject() || !names(r).equals(first)) {
        throw ApiException.badRequest(
            "invalid_body", "every row must be an object with the same keys");
      }
      first.forEach(f -> Identifiers.require("column", f));
    }
    return rows;
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    out.sort(null);
    return out;
  }

  private static void checkKey(String key) {
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw ApiException.badRequest(
          "invalid_idempotency_key",
          "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
  }

  private static String hash(String table, String body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(table.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(JSON.readTree(body).toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode readJson(String s) {
    try {
      return JSON.readTree(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored response is not JSON", e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is broken; HikariCP evicts it
    }
  }

  private static void resetAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // as above
    }
  }
}
