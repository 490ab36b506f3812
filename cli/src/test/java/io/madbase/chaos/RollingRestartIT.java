package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.madbase.common.Processes;
import io.madbase.testing.ChaosReports;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 7: two gateways behind HAProxy's gateways port, restarted one at a time under load
 * (madbase chaos rolling-restart-gateways), fail no request. Its own stack on 127.0.2.x (ChaosIT
 * has 127.0.7, LoadTestIT 127.0.6, HaproxyPortsIT 127.0.5, LocalDriverIT 127.0.9 and 127.0.8).
 */
class RollingRestartIT {
  static final String SPEC =
      """
      name: rollingtest
      local:
        subnet: 127.0.2
      gateway:
        instances: 2
      workers:
        count: 0
      """;

  static Path dir;
  static Path state;
  static Path reports;
  static final List<Long> pids = new ArrayList<>();

  @BeforeAll
  static void up() {
    dir = TestStack.newDir("madbase-rolling-it");
    state = dir.resolve(".madbase");
    reports = dir.resolve("reports");
    Path spec = TestStack.spec(dir, SPEC);
    CliRun r = CliRun.run("up", "-f", spec.toString(), "--state-dir", state.toString());
    pids.addAll(TestStack.pids(state));
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @AfterAll
  static void down() {
    try {
      pids.addAll(TestStack.pids(state));
      CliRun r = CliRun.run("down", "--purge", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(pids.stream().filter(Processes::running))
          .as("processes left after down")
          .isEmpty();
    } finally {
      TestStack.deleteQuietly(dir);
    }
  }

  @Test
  void restartingTwoGatewaysOneAtATimeUnderLoadFailsNoRequest() throws Exception {
    CliRun r =
        CliRun.run(
            "chaos",
            "rolling-restart-gateways",
            "--load",
            "200",
            "--state-dir",
            state.toString(),
            "--report-dir",
            reports.toString());
    pids.addAll(TestStack.pids(state));
    JsonNode rep = ChaosReports.newest(reports, "rolling-restart-gateways");
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();

    // each gateway drained and exited, came back, and HAProxy routed to it again, in that order
    List<String> ids = new ArrayList<>();
    rep.path("phases").forEach(p -> ids.add(p.path("id").asText()));
    assertThat(ids)
        .as(r.toString())
        .contains("exited", "ready_gw1", "routed_gw1", "ready_gw2", "routed_gw2");

    // no request failed: not the probes', not one of the load's
    Map<String, JsonNode> probes = ChaosReports.byId(rep.path("probes"), "probe");
    for (String probe : List.of("gateway_writer", "gateway_reader")) {
      assertThat(probes.get(probe).path("ok").asInt()).as(probe).isPositive();
      assertThat(probes.get(probe).path("failed").asInt()).as("%s%n%s", probe, r).isZero();
    }
    JsonNode load = rep.path("load");
    assertThat(load.path("counts").path("ok").asLong()).as("load requests served").isPositive();
    assertThat(load.path("counts").path("errors").asLong())
        .as("failed load requests (%s)%n%s", load.path("errors_by_kind"), r)
        .isZero();
    Map<String, JsonNode> slos = ChaosReports.byId(rep.path("slos"), "name");
    assertThat(slos.get("failed_gateway_requests").path("passed").asBoolean())
        .as(slos.get("failed_gateway_requests").path("measured").asText())
        .isTrue();
    // the reads latency SLO every --load run carries is a figure for the benchmarks on a shared
    // 2-core machine (a restarted gateway is a cold JVM starting beside the load): reported, not
    // asserted; every other SLO holds
    List<String> failed = new ArrayList<>();
    rep.path("slos")
        .forEach(
            slo -> {
              if (!slo.path("passed").asBoolean()) {
                failed.add(slo.path("name").asText());
              }
            });
    assertThat(failed).as(r.toString()).isSubsetOf("load_reads_during_failover");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(failed.isEmpty() ? 0 : 1);

    // both gateways served data requests after their restart: HAProxy really balanced over the two
    // (a restarted gateway's counters start from zero)
    JsonNode faults = rep.path("faults");
    assertThat(faults).as("SIGTERM gw1, restart, SIGTERM gw2, restart").hasSize(4);
    assertThat(faults.get(3).path("target").asText()).isEqualTo("gw2");
    var http = java.net.http.HttpClient.newHttpClient();
    for (String host : List.of("127.0.2.41", "127.0.2.42")) {
      String metrics =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://" + host + ":8080/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      double served =
          metrics
              .lines()
              .filter(l -> l.startsWith("gateway_requests_seconds_count{"))
              .filter(l -> l.contains("route=\"/rest/v1/{table}\"") && l.contains("status=\"2"))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      assertThat(served).as("data requests %s served since its restart", host).isPositive();
    }
  }
}
