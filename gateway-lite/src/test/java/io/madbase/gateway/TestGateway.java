package io.madbase.gateway;

import io.madbase.common.SeedSchema;
import io.madbase.testkit.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Shared set-up for gateway tests: a real PostgreSQL prepared as the local driver does, and an HTTP
 * client.
 */
final class TestGateway {
  static final String APP_USER = "madbase_app";
  static final String APP_PASSWORD = "app-pw-42";
  static final String DATABASE = "madbase";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private TestGateway() {}

  /** A new server with the app role, the madbase database and the seed schema. */
  static PostgresServer database() {
    return database(Map.of());
  }

  /** As {@link #database()}, with server settings that replace testkit's defaults. */
  static PostgresServer database(Map<String, String> settings) {
    PostgresServer pg = PostgresServer.start(settings);
    try {
      pg.createRoleAndDatabase(APP_USER, APP_PASSWORD, DATABASE);
      try (Connection c = pg.connect(APP_USER, APP_PASSWORD, DATABASE)) {
        SeedSchema.apply(c);
      }
      return pg;
    } catch (SQLException | RuntimeException e) {
      pg.close();
      throw new IllegalStateException(e);
    }
  }

  static String url(PostgresServer pg) {
    return pg.url(APP_USER, APP_PASSWORD, DATABASE);
  }

  /** The environment of a gateway on 127.0.0.1 pointed at {@code pg}. */
  static Map<String, String> env(PostgresServer pg) {
    Map<String, String> env = new HashMap<>();
    env.put("BIND_HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("DATABASE_URL", url(pg));
    env.put("HOLD_DEADLINE", "10s");
    env.put("SHUTDOWN_GRACE", "5s");
    return env;
  }

  static RunningGateway start(Map<String, String> env) {
    GatewayApp app = GatewayApp.create(GatewayConfig.fromEnv(env));
    try {
      return app.start(0);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  static HttpResponse<String> get(RunningGateway gw, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.localUri().resolve(path)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static HttpResponse<String> post(RunningGateway gw, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.localUri().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(RunningGateway gw, String path) {
    return gw.localUri().resolve(path);
  }
}
