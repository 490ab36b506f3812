package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.gateway.metrics.GatewayMetrics;
import io.madbase.gateway.workers.WorkerDiscovery;
import io.madbase.gateway.workers.WorkerServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class WorkerDiscoveryTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  static String workerOf(RunningGateway gw) throws Exception {
    var r = get(gw, "/functions/v1/hello?x=1");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).get("worker").asText();
  }

  static Set<String> workersSeen(RunningGateway gw, int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      seen.add(workerOf(gw));
    }
    return seen;
  }

  static String url(WorkerServer w) {
    return "http://127.0.0.1:" + w.port();
  }

  @Test
  void anUpstreamThatDidNotAcceptAConnectionIsTriedLastUntilItAnswersAgain() {
    URI a = URI.create("http://127.0.0.1:1");
    URI b = URI.create("http://127.0.0.1:2");
    URI c = URI.create("http://127.0.0.1:3");
    try (var d =
        new WorkerDiscovery(
            new WorkerSource.Static(List.of(a, b, c)),
            Duration.ofSeconds(30),
            java.net.http.HttpClient.newHttpClient(),
            new GatewayMetrics())) {
      // round-robin: each request starts at the next upstream, and tries every one once
      assertThat(d.attemptOrder()).containsExactly(a, b, c);
      assertThat(d.attemptOrder()).containsExactly(b, c, a);
      d.unreachable(b);
      for (int i = 0; i < 6; i++) {
        List<URI> order = d.attemptOrder();
        assertThat(order).hasSize(3).endsWith(b).containsExactlyInAnyOrder(a, b, c);
      }
      d.reachable(b);
      assertThat(List.of(d.attemptOrder(), d.attemptOrder(), d.attemptOrder()))
          .extracting(o -> o.get(0))
          .containsExactlyInAnyOrder(a, b, c);
    }
  }

  @Test
  void aWorkerThatRefusesConnectionsIsSkippedAndEveryCallIsServedByAnother(@TempDir Path dir)
      throws Exception {
    Path list = dir.resolve("workers.list");
    int closedPort;
    try (var probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (WorkerServer w2 = WorkerServer.start("w2", "127.0.0.1", 0, Duration.ofSeconds(1))) {
      Files.writeString(list, "http://127.0.0.1:" + closedPort + "\n" + url(w2) + "\n");
      Map<String, String> env = TestGateway.env(db.pg());
      env.put("WORKER_DISCOVERY_FILE", list.toString());
      try (RunningGateway gw = TestGateway.start(env)) {
        assertThat(workersSeen(gw, 6)).containsExactly("w2");
      }
    }
  }

  @Test
  void dynamicWorkerDiscoveryRoutesToANewWorkerAndStopsRoutingToARemovedOne(@TempDir Path dir)
      throws Exception {
    Path list = dir.resolve("workers.list");
    try (WorkerServer w1 = WorkerServer.start("w1", "127.0.0.1", 0, Duration.ofSeconds(1));
        WorkerServer w2 = WorkerServer.start("w2", "127.0.0.1", 0, Duration.ofSeconds(1))) {
      Files.writeString(list, url(w1) + "\n");
      Map<String, String> env = TestGateway.env(db.pg());
      env.put("WORKER_DISCOVERY_FILE", list.toString());
      env.put("WORKER_DISCOVERY_INTERVAL", "200ms");
      try (RunningGateway gw = TestGateway.start(env)) {
        assertThat(workersSeen(gw, 4)).containsExactly("w1");

        Files.writeString(list, url(w1) + "\n" + url(w2) + "\n");
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> workersSeen(gw, 2).contains("w2"));
        assertThat(workersSeen(gw, 4)).containsExactlyInAnyOrder("w1", "w2");

        Files.writeString(list, url(w2) + "\n");
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> gw.app().workerDiscovery().upstreams().size() == 1);
        assertThat(workersSeen(gw, 4)).containsExactly("w2");
      }
    }
  }

  @Test
  void staticUpstreamsAreUsedRoundRobinAndNamedInTheResponse() throws Exception {
    try (WorkerServer w1 = WorkerServer.start("a", "127.0.0.1", 0, Duration.ofSeconds(1));
        WorkerServer w2 = WorkerServer.start("b", "127.0.0.1", 0, Duration.ofSeconds(1))) {
      Map<String, String> env = TestGateway.env(db.pg());
      env.put("WORKER_UPSTREAM_URLS", url(w1) + "," + url(w2));
      try (RunningGateway gw = TestGateway.start(env)) {
        String first = workerOf(gw);
        String second = workerOf(gw);
        assertThat(Set.of(first, second)).containsExactlyInAnyOrder("a", "b");
        var r = get(gw, "/functions/v1/x");
        assertThat(r.headers().firstValue("X-Upstream")).isPresent();
      }
    }
  }

  @Test
  void noWorkersAnswers503() throws Exception {
    try (RunningGateway gw = TestGateway.start(TestGateway.env(db.pg()))) {
      var r = get(gw, "/functions/v1/x");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("\"no_workers\"");
    }
  }
}
