package io.madbase.gateway.http;

import io.javalin.config.JavalinConfig;
import io.madbase.gateway.db.DbUnavailableException;
import io.madbase.gateway.db.HoldLimitException;
import io.madbase.gateway.db.WriteOutcomeUnknownException;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.sql.SQLException;

/** The routes, as a table. */
public final class Routes {
  private static final String REQUEST_START = "gateway.start";

  private Routes() {}

  public static void install(JavalinConfig cfg, Handlers h, GatewayMetrics metrics) {
    var r = cfg.routes;
    r.get("/health", h::health);
    r.get("/ready", h::ready);
    r.get("/metrics", h::metrics);
    r.get("/rest/v1/{table}", h::select);
    r.post("/rest/v1/{table}", h::insert);
    r.get("/functions/v1/*", h::functions);
    r.post("/functions/v1/*", h::functions);
    r.put("/functions/v1/*", h::functions);
    r.patch("/functions/v1/*", h::functions);
    r.delete("/functions/v1/*", h::functions);

    r.exception(ApiException.class, Errors::api);
    r.exception(DbUnavailableException.class, Errors::dbUnavailable);
    r.exception(HoldLimitException.class, Errors::holdLimit);
    r.exception(WriteOutcomeUnknownException.class, Errors::writeOutcomeUnknown);
    r.exception(SQLException.class, Errors::sql);
    r.exception(Exception.class, Errors::unexpected);
    r.error(404, h::notFound);

    r.before(ctx -> ctx.attribute(REQUEST_START, System.nanoTime()));
    r.after(
        ctx -> {
          Long start = ctx.attribute(REQUEST_START);
          if (start != null) {
            metrics.request(
                ctx.method().name(),
                routeOf(ctx),
                ctx.statusCode(),
                java.time.Duration.ofNanos(System.nanoTime() - start));
          }
        });
  }

  private static String routeOf(io.javalin.http.Context ctx) {
    try {
      var matched = ctx.endpoints().matchedHttpEndpoint();
      return matched == null ? "unmatched" : matched.path;
    } catch (RuntimeException e) {
      return "unmatched"; // a bounded label set: never the raw path
    }
  }
}
