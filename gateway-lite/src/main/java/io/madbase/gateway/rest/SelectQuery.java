package io.madbase.gateway.rest;

import io.madbase.gateway.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /rest/v1/{table}} parameters: {@code column=op.value} filters (eq, neq, gt, gte, lt,
 * lte, like, is), {@code select=a,b}, {@code order=col[.asc|.desc]}, {@code limit}, {@code offset}.
 * Parsed before any database work; every name is checked as an identifier here and against the
 * catalog in {@link #toSql}; every value is a bound parameter.
 */
public record SelectQuery(
    List<String> columns,
    List<Filter> filters,
    Optional<Order> order,
    Optional<Integer> limit,
    int offset) {

  public enum Op {
    EQ("="),
    NEQ("<>"),
    GT(">"),
    GTE(">="),
    LT("<"),
    LTE("<="),
    LIKE("LIKE"),
    IS("IS");

    final String sql;

    Op(String sql) {
      this.sql = sql;
    }
  }

  public record Filter(String column, Op op, String value) {}

  public record Order(String column, boolean descending) {}

  public static SelectQuery parse(Map<String, List<String>> params) {
    List<String> columns = List.of();
    List<Filter> filters = new ArrayList<>();
    Optional<Order> order = Optional.empty();
    Optional<Integer> limit = Optional.empty();
    int offset = 0;
    for (var e : params.entrySet()) {
      if (e.getValue().size() != 1) {
        throw ApiException.badRequest(
            "invalid_parameter", "parameter " + e.getKey() + " is given more than once");
      }
      String v = e.getValue().get(0);
      switch (e.getKey()) {
        case "select" ->
            columns =
                List.of(v.split(",", -1)).stream()
                    .map(String::trim)
                    .map(c -> Identifiers.require("column", c))
                    .toList();
        case "order" -> order = Optional.of(order(v));
        case "limit" -> limit = Optional.of(nonNegative("limit", v));
        case "offset" -> offset = nonNegative("offset", v);
        default -> filters.add(filter(Identifiers.require("column", e.getKey()), v));
      }
    }
    return new SelectQuery(columns, List.copyOf(filters), order, limit, offset);
  }

  private static Order order(String v) {
    String[] parts = v.split("\\.", -1);
    if (parts.length > 2
        || (parts.length == 2 && !parts[1].equals("asc") && !parts[1].equals("desc"))) {
      throw ApiException.badRequest(
          "invalid_parameter", "order must be column, column.asc or column.desc");
    }
    return new Order(
        Identifiers.require("column", parts[0]), parts.length == 2 && parts[1].equals("desc"));
  }

  private static Filter filter(String column, String v) {
    int dot = v.indexOf('.');
    if (dot < 0) {
      throw ApiException.badRequest(
          "invalid_filter", "filter on " + column + " must look like op.value, e.g. eq.5");
    }
    Op op;
    try {
      op = Op.valueOf(v.substring(0, dot).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_filter",
          "unknown operator in filter on " + column + " (use eq, neq, gt, gte, lt, lte, like, is)");
    }
    String value = v.substring(dot + 1);
    if (op == Op.IS && !List.of("null", "true", "false").contains(value)) {
      throw ApiException.badRequest("invalid_filter", "is. takes null, true or false");
    }
    return new Filter(column, op, value);
  }

  private static int nonNegative(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.badRequest("invalid_parameter", name + " must be a whole number >= 0");
  }

  /** The statement and its parameters, every name checked against {@code table}. */
  public Statement toSql(TableCatalog.Table table, int maxRows) {
    StringBuilder sql = new StringBuilder("SELECT ");
    sql.append(
        columns.isEmpty()
            ? "*"
            : String.join(
                ", ", columns.stream().map(table::requireColumn).map(Identifiers::quote).toList()));
    sql.append(" FROM public.").append(Identifiers.quote(table.name()));
    List<String> params = new ArrayList<>();
    String sep = " WHERE ";
    for (Filter f : filters) {
      sql.append(sep)
          .append(Identifiers.quote(table.requireColumn(f.column())))
          .append(' ')
          .append(f.op().sql)
          .append(' ');
      if (f.op() == Op.IS) {
        sql.append(f.value().toUpperCase(java.util.Locale.ROOT));
      } else {
        sql.append('?');
        params.add(f.value());
      }
      sep = " AND ";
    }
    order.ifPresent(
        o ->
            sql.append(" ORDER BY ")
                .append(Identifiers.quote(table.requireColumn(o.column())))
                .append(o.descending() ? " DESC" : " ASC"));
    sql.append(" LIMIT ")
        .append(Math.min(limit.orElse(maxRows), maxRows))
        .append(" OFFSET ")
        .append(offset);
    return new Statement(sql.toString(), List.copyOf(params));
  }

  /** SQL text with {@code ?} placeholders and their values, bound as untyped parameters. */
  public record Statement(String sql, List<String> params) {}
}
