package io.madbase.gateway.http;

import io.javalin.http.Context;
import io.madbase.common.SeedSchema;
import io.madbase.gateway.db.Completion;
import io.madbase.gateway.db.DbRouter;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.project.ProjectConfig;
import io.madbase.gateway.project.ProjectConfigCache;
import io.madbase.gateway.redis.RateLimiter;
import io.madbase.gateway.rest.DataApi;
import io.madbase.gateway.workers.WorkerProxy;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** The route handlers: each resolves its inputs, calls one domain object, and writes JSON. */
public final class Handlers {
  public static final String PROJECT_HEADER = "X-Project-Ref";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  private static final Pattern PROJECT_REF = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final String name;
  private final ProjectConfigCache projects;
  private final RateLimiter rateLimiter;
  private final DataApi data;
  private final WorkerProxy workers;
  private final DbRouter router;
  private final GatewayMetrics metrics;
  private final BooleanSupplier shuttingDown;

  public Handlers(
      String name,
      ProjectConfigCache projects,
      RateLimiter rateLimiter,
      DataApi data,
      WorkerProxy workers,
      DbRouter router,
      GatewayMetrics metrics,
      BooleanSupplier shuttingDown) {
    this.name = name;
    this.projects = projects;
    this.rateLimiter = rateLimiter;
    this.data = data;
    this.workers = workers;
    this.router = router;
    this.metrics = metrics;
    this.shuttingDown = shuttingDown;
  }

  /**
   * Live, until a SIGTERM: then 503 "draining", so a proxy that checks it (HAProxy in front of two
   * gateways) takes this gateway out while it still serves (DRAIN_DELAY).
   */
  void health(Context ctx) {
    boolean draining = shuttingDown.getAsBoolean();
    Responses.json(
        ctx,
        draining ? 503 : 200,
        Responses.JSON
            .createObjectNode()
            .put("status", draining ? "draining" : "live")
            .put("gateway", name));
  }

  void ready(Context ctx) {
    boolean primary = router.primaryUp();
    boolean stopping = shuttingDown.getAsBoolean();
    boolean ready = primary && !stopping;
    Responses.json(
        ctx,
        ready ? 200 : 503,
        Responses.JSON
            .createObjectNode()
            .put("ready", ready)
            .put("primary", primary ? "up" : "down")
            .put("shutting_down", stopping));
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  void select(Context ctx) throws SQLException {
    ProjectConfig project = project(ctx);
    reply(ctx, data.select(project, ctx.pathParam("table"), ctx.queryParamMap()));
  }

  void insert(Context ctx) throws SQLException {
    ProjectConfig project = project(ctx);
    Optional<String> key = Optional.ofNullable(ctx.header(IDEMPOTENCY_HEADER));
    reply(ctx, data.insert(project, ctx.pathParam("table"), ctx.body(), key));
  }

  /**
   * Answers now when the result is there (a replica read), else when it comes: the request thread
   * goes back to Jetty meanwhile (Javalin's async response), so a held request holds no thread.
   * Failures reach the exception mappers either way.
   */
  private void reply(Context ctx, CompletableFuture<DataApi.Result> result) throws SQLException {
    if (result.isDone()) {
      respond(ctx, Completion.join(result));
    } else {
      ctx.future(() -> result.thenAccept(r -> respond(ctx, r)));
    }
  }

  void functions(Context ctx) {
    String query = ctx.queryString();
    WorkerProxy.Forwarded f =
        workers.forward(
            ctx.method().name(),
            ctx.path() + (query == null ? "" : "?" + query),
            headers(ctx),
            ctx.bodyAsBytes());
    f.headers()
        .forEach(
            (k, values) -> {
              if (k.equalsIgnoreCase("content-type")
                  || k.toLowerCase(java.util.Locale.ROOT).startsWith("x-")) {
                values.forEach(v -> ctx.header(k, v));
              }
            });
    ctx.header("X-Upstream", f.upstream().toString());
    ctx.header("X-Served-By", name);
    ctx.status(f.status()).result(f.body());
  }

  void notFound(Context ctx) {
    String type = ctx.res().getContentType();
    if (type == null || !type.startsWith("application/json")) {
      Responses.error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
    }
  }

  private ProjectConfig project(Context ctx) {
    String header = ctx.header(PROJECT_HEADER);
    String ref = header == null ? SeedSchema.DEFAULT_PROJECT : header.trim();
    if (header != null && !PROJECT_REF.matcher(ref).matches()) {
      throw ApiException.badRequest(
          "invalid_project", PROJECT_HEADER + " must be a project ref (a-z, 0-9, _ and -)");
    }
    ProjectConfig p =
        projects
            .get(ref)
            .orElseThrow(() -> ApiException.notFound("unknown_project", "no project " + ref));
    if (!p.enabled()) {
      throw new ApiException(403, "project_disabled", "project " + ref + " is disabled");
    }
    if (!rateLimiter.allow(p)) {
      throw new ApiException(
          429,
          "rate_limited",
          "project " + ref + " is over " + p.rateLimitPerMinute() + " requests a minute",
          Map.of("Retry-After", "60"));
    }
    ctx.header(PROJECT_HEADER, ref);
    return p;
  }

  private void respond(Context ctx, DataApi.Result r) {
    if (r.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.header(Errors.RETRIES, Integer.toString(r.retries()));
    ctx.header("X-Db-Route", r.route());
    ctx.header("X-Db-Pool", r.pool());
    ctx.header("X-Served-By", name);
    Responses.json(ctx, r.status(), r.body());
  }

  private static Map<String, java.util.List<String>> headers(Context ctx) {
    Map<String, java.util.List<String>> out = new java.util.LinkedHashMap<>();
    ctx.headerMap().forEach((k, v) -> out.put(k, java.util.List.of(v)));
    return out;
  }
}
