package io.madbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.madbase.gateway.workers.WorkerServer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GracefulShutdownTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();
  static WorkerServer worker;

  @BeforeAll
  static void start() throws Exception {
    worker = WorkerServer.start("slow", "127.0.0.1", 0, Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  private static Map<String, String> env() {
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("WORKER_UPSTREAM_URLS", "http://127.0.0.1:" + worker.port());
    env.put("SHUTDOWN_GRACE", "5s");
    return env;
  }

  private static CompletableFuture<HttpResponse<String>> slowRequest(RunningGateway gw) {
    return TestGateway.HTTP.sendAsync(
        HttpRequest.newBuilder(TestGateway.uri(gw, "/functions/v1/slow?delay_ms=1500"))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void gracefulShutdownCompletesInFlightRequests() throws Exception {
    RunningGateway gw = TestGateway.start(env());
    CompletableFuture<HttpResponse<String>> inFlight = slowRequest(gw);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> worker.inFlight() == 1);

    long t0 = System.nanoTime();
    gw.close();
    long closeMs = (System.nanoTime() - t0) / 1_000_000;

    HttpResponse<String> r = inFlight.get(1, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"worker\":\"slow\"");
    assertThat(gw.shutDownCleanly()).isTrue();
    assertThat(closeMs).as("waited for the request, not the whole grace").isLessThan(4500);
    // the pools are closed by now; their backends leave pg_stat_activity as they exit, a moment
    // after the client closed the socket
    Awaitility.await("pools closed: no gateway-lite session left")
        .atMost(Duration.ofSeconds(5))
        .until(() -> db.pg().sessionsNamed("gateway-lite") == 0);
    gw.close(); // twice is safe
  }

  @Test
  void gracefulShutdownWithOnlyIdleKeepAliveConnectionsIsCleanAndQuick() throws Exception {
    RunningGateway gw = TestGateway.start(env());
    // a request answered on a connection the client keeps open: the server holds an idle endpoint
    try (Socket s = new Socket("127.0.0.1", gw.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] buf = new byte[512];
      int n = s.getInputStream().read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

      long t0 = System.nanoTime();
      gw.close();
      long closeMs = (System.nanoTime() - t0) / 1_000_000;

      assertThat(gw.shutDownCleanly())
          .as("an idle connection is not an in-flight request")
          .isTrue();
      assertThat(closeMs)
          .as("nothing was in flight: the 5 s grace was not waited out")
          .isLessThan(2500);
      assertThat(s.getInputStream().read()).as("the idle connection was closed").isEqualTo(-1);
    }
  }

  @Test
  void gracefulShutdownRefusesNewConnectionsWhileDraining() throws Exception {
    RunningGateway gw = TestGateway.start(env());
    int port = gw.port();
    CompletableFuture<HttpResponse<String>> inFlight = slowRequest(gw);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> worker.inFlight() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> gw.app().isShuttingDown());
    Awaitility.await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () -> {
                          try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                          }
                        })
                    .isInstanceOf(ConnectException.class));
    assertThat(inFlight).as("the in-flight request is still being served").isNotDone();

    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    closing.get(10, TimeUnit.SECONDS);
    assertThat(gw.shutDownCleanly()).isTrue();
  }

  @Test
  void withADrainDelayHealthFailsWhileRequestsAreStillServedThenTheListenerCloses()
      throws Exception {
    Map<String, String> env = env();
    // long enough for the two requests below on a busy machine; HAProxy needs about 3 s
    env.put("DRAIN_DELAY", "5s");
    RunningGateway gw = TestGateway.start(env);
    int port = gw.port();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> gw.app().isShuttingDown());

    HttpResponse<String> health =
        TestGateway.HTTP.send(
            HttpRequest.newBuilder(TestGateway.uri(gw, "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as("a proxy's check fails: take me out").isEqualTo(503);
    assertThat(health.body()).contains("\"status\":\"draining\"");
    // a request a proxy sent before it noticed is served, not refused and not answered 503
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              "GET /rest/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200");
    }
    assertThat(closing).as("still draining").isNotDone();

    closing.get(15, TimeUnit.SECONDS);
    assertThat(gw.shutDownCleanly()).isTrue();
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void sigtermMakesTheGatewayProcessShutDownCleanlyAndExitZero(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gateway.log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.madbase.gateway.cli.Main",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--database-url",
                TestGateway.url(db.pg()),
                "--shutdown-grace",
                "3s"));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(log).contains("listening on"));
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
          .start()
          .waitFor(5, TimeUnit.SECONDS);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("shut down cleanly").doesNotContain(TestGateway.APP_PASSWORD);
    } finally {
      p.destroyForcibly();
    }
  }
}
