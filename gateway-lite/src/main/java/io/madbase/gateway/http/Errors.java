package io.madbase.gateway.http;

import io.javalin.http.Context;
import io.madbase.gateway.db.DbUnavailableException;
import io.madbase.gateway.db.HoldLimitException;
import io.madbase.gateway.db.WriteOutcomeUnknownException;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps every failure to its status and error code (docs/gateway.md, "Errors"). */
final class Errors {
  private static final Logger log = LoggerFactory.getLogger(Errors.class);
  static final String RETRIES = "X-Gateway-Retries";

  private Errors() {}

  static void api(ApiException e, Context ctx) {
    e.headers().forEach(ctx::header);
    Responses.error(ctx, e.status(), e.code(), e.getMessage());
  }

  static void dbUnavailable(DbUnavailableException e, Context ctx) {
    ctx.header(RETRIES, Integer.toString(e.retries()));
    ctx.header("Retry-After", "2");
    Responses.error(ctx, 503, "db_unavailable", e.getMessage());
  }

  static void holdLimit(HoldLimitException e, Context ctx) {
    ctx.header(RETRIES, Integer.toString(e.retries()));
    ctx.header("Retry-After", "2");
    Responses.error(ctx, 503, "too_many_held_requests", e.getMessage());
  }

  static void writeOutcomeUnknown(WriteOutcomeUnknownException e, Context ctx) {
    ctx.header(RETRIES, Integer.toString(e.retries()));
    log.warn("{} {}: write outcome unknown", ctx.method(), ctx.path());
    Responses.error(
        ctx,
        504,
        "write_outcome_unknown",
        e.getMessage() + ". Check before retrying, or retry with an Idempotency-Key header.");
  }

  static void sql(SQLException e, Context ctx) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("23505")) {
      Responses.error(ctx, 409, "conflict", e.getMessage());
    } else if (state.startsWith("23")) {
      Responses.error(ctx, 400, "constraint_violation", e.getMessage());
    } else if (state.startsWith("22")) {
      Responses.error(ctx, 400, "invalid_value", e.getMessage());
    } else if (state.equals("42501")) {
      Responses.error(ctx, 403, "permission_denied", e.getMessage());
    } else {
      log.warn(
          "{} {}: database error {}: {}",
          ctx.method(),
          ctx.path(),
          state,
          io.madbase.common.Masking.mask(e.getMessage()));
      Responses.error(ctx, 500, "database_error", "the database failed (SQLSTATE " + state + ")");
    }
  }

  static void unexpected(Exception e, Context ctx) {
    log.error(
        "{} {}: internal error: {}",
        ctx.method(),
        ctx.path(),
        io.madbase.common.Masking.maskedTrace(e));
    Responses.error(ctx, 500, "internal", "internal error");
  }
}
