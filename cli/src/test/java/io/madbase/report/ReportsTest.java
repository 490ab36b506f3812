package io.madbase.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.chaos.Bound;
import io.madbase.chaos.Op;
import io.madbase.chaos.RunResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

public class ReportsTest {
  @TempDir Path dir;

  /** A finished run as the runner would return it (also for the cli's -o json tests). */
  public static RunResult run(boolean lostOne) {
    var phases =
        List.of(
            new RunResult.PhaseResult(
                "fault_injected",
                "fault injected: crash_node pg1",
                "madbase",
                true,
                0.0,
                new Bound(0, 0, ""),
                true,
                0,
                0,
                0,
                Map.of()),
            new RunResult.PhaseResult(
                "leader_key_gone",
                "leader key gone",
                "etcd watch",
                true,
                9.41,
                new Bound(8, 10.5, "lease"),
                true,
                90,
                1,
                0,
                Map.of("haproxy_writer:connect_failed", 90)),
            new RunResult.PhaseResult(
                "first_write_gateway",
                "first write through the gateway",
                "gateway_writer probe",
                true,
                10.02,
                new Bound(8, 17.5, "retry"),
                true,
                0,
                0,
                95,
                Map.of()));
    var slos =
        List.of(
            new RunResult.SloResult(
                "recovered", "every expected phase observed", "all observed", true),
            new RunResult.SloResult(
                "lost_acknowledged_writes", "<= 0", lostOne ? "1" : "0", !lostOne));
    return new RunResult(
        "kill-primary",
        "Crash the leader <node> & see.",
        "chaos-scenarios/kill-primary.yaml",
        "kill-primary-20260101T000000-abcd",
        Instant.parse("2026-01-01T00:00:00Z"),
        new RunResult.Stack(
            "madbase",
            "local",
            "fast",
            "Patroni ttl 10 / loop_wait 2 / retry_timeout 4",
            Map.of("ttl", 10),
            io.madbase.stack.DataSafety.of(io.madbase.stack.StackSpec.defaults())),
        List.of(new RunResult.FaultRecord("crash_node", "pg1", 3.0, "crash")),
        phases,
        true,
        10.02,
        List.of(
            new RunResult.ProbeSummary(
                "gateway_writer", 120, 120, 0, 0, 0, 95, Map.of(), 3.1, 10.1, 10.2, 10.05)),
        List.of(
            new RunResult.LedgerCheck(
                "gateway_writer",
                "PostgreSQL primary",
                120,
                lostOne ? 119 : 120,
                lostOne ? 1 : 0,
                lostOne ? List.of(57L) : List.of(),
                lostOne ? List.of(-0.004) : List.of(),
                0,
                0)),
        List.of(),
        slos,
        !lostOne,
        List.of(new RunResult.TimedEvent(3.0, "madbase", "fault", "pg1", "crash")),
        List.of(),
        25.0,
        List.of(
            new Op(
                "gateway_writer",
                1,
                3_100_000_000L,
                13_000_000_000L,
                Op.Outcome.OK,
                "",
                "",
                12,
                "primary")),
        null);
  }

  static RunResult withLoad(RunResult r) {
    var seconds =
        List.of(
            new RunResult.LoadSecond(-2, 200, 200, 0, 4.0, 6.0, 180, 180, 3.0),
            new RunResult.LoadSecond(-1, 200, 200, 0, 5.0, 7.0, 180, 180, 4.0),
            new RunResult.LoadSecond(9, 180, 178, 2, 9100.0, 9800.0, 180, 171, 240.0),
            new RunResult.LoadSecond(10, 400, 400, 0, 12.0, 50.0, 180, 180, 9.0));
    var load =
        new RunResult.LoadRun(
            "mix 9:1",
            200,
            100,
            new io.madbase.load.LoadResult.Counts(980, 980, 980, 978, 2, 0, 0),
            new io.madbase.load.LoadResult.Latency(978, 5, 8, 9000, 9700, 9800, 400),
            Map.of("http_503", 2L),
            Map.of("http_503", "{\"code\":\"db_unavailable\",\n \"message\":\"held 10 s\"}"),
            null,
            4.5,
            9100,
            9,
            2,
            seconds,
            new RunResult.ReadsWindow(9, 10.4, true, 2, 360, 351, 240, 9, 0.95, 9));
    return new RunResult(
        r.scenario(),
        r.description(),
        r.source(),
        r.runId(),
        r.startedAt(),
        r.stack(),
        r.faults(),
        r.phases(),
        r.recovered(),
        r.recoverySeconds(),
        r.probes(),
        r.ledger(),
        r.anomalies(),
        r.slos(),
        r.passed(),
        r.events(),
        r.notes(),
        r.durationSeconds(),
        r.operations(),
        load);
  }

  @Test
  void aLoadRunShowsTheCostOfTheFailoverInEveryFormat() throws Exception {
    RunResult r = withLoad(run(false));
    assertThat(TextReport.render(r))
        .contains("load: mix 9:1 at 200 req/s over 100 connections")
        .contains("worst second p99 9.10 s at +9 s")
        .contains("2 errors (2 from the fault on)")
        .contains(
            "    reads from the fault to recovery (2 s, +9 to +10.4 s): 351 of 360 offered"
                + " completed; worst second p99 240 ms at +9 s, lowest completed 95.0 % at +9 s\n")
        .contains("    first http_503: {\"code\":\"db_unavailable\", \"message\":\"held 10 s\"}\n");
    assertThat(MarkdownReport.render(r))
        .contains("### Load beside the run")
        .contains("| +9 | 180 | 2 | 9.10 s | 9.80 s | 180 | 95.0 % | 240 ms |")
        .contains("reads from the fault to recovery (2 s, +9 to +10.4 s): 351 of 360 offered")
        .contains("- `first http_503: {\"code\":\"db_unavailable\", \"message\":\"held 10 s\"}`");
    assertThat(HtmlReport.render(r))
        .contains("load p99")
        .contains("reads: 180 offered, 95 % completed, p99 240 ms")
        .contains("lowest completed 95.0 % at +9 s");
    JsonNode json = new ObjectMapper().readTree(io.madbase.Json.write(r));
    assertThat(json.path("load").path("seconds").size()).isEqualTo(4);
    assertThat(json.path("load").path("seconds").get(2).path("reads_offered").asLong())
        .isEqualTo(180);
    assertThat(json.path("load").path("reads").path("lowest_completed").asDouble()).isEqualTo(0.95);
    assertThat(json.path("load").path("error_samples").path("http_503").asText())
        .startsWith("{\"code\":\"db_unavailable\"");
  }

  @Test
  void junitHasOneTestCasePerSloAndFailsTheMissedOne() throws Exception {
    String xml = JunitReport.render(List.of(run(true)));
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    NodeList cases = doc.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(2);
    NodeList failures = doc.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(1);
    assertThat(failures.item(0).getAttributes().getNamedItem("message").getNodeValue())
        .contains("measured 1");
    assertThat(
            doc.getDocumentElement()
                .getElementsByTagName("testsuite")
                .item(0)
                .getAttributes()
                .getNamedItem("failures")
                .getNodeValue())
        .isEqualTo("1");
  }

  @Test
  void markdownCarriesTheTimelineLedgerAndVerdict() {
    String md = MarkdownReport.render(run(true));
    assertThat(md).startsWith("## FAIL: `kill-primary`");
    assertThat(md)
        .contains("| leader key gone | 9.41 s | 8.0-10.5 s | within | etcd watch | 90 / 1 / 0 |");
    assertThat(md)
        .contains("| gateway_writer | PostgreSQL primary | 120 | 119 | 1 [57 acked at -0.004 s] |");
    assertThat(md).contains("**Verdict: FAIL (1 of 2 SLOs missed)**");
  }

  @Test
  void htmlIsOnePageWithAnSvgTimelineAndEscapedText() {
    String html = HtmlReport.render(run(false));
    assertThat(html)
        .startsWith("<!doctype html>")
        .contains("<svg")
        .contains("</svg>")
        .contains("PASS");
    assertThat(html).contains("Crash the leader &lt;node&gt; &amp; see.").doesNotContain("<node>");
    // the held write is drawn as a bar from its intended start
    assertThat(html).contains("gateway_writer #1 OK");
  }

  @Test
  void aLaterFaultsPhasesAreDrawnFromThatFaultNotFromTheFirst() {
    RunResult one = run(false);
    var phases =
        List.of(
            phase("fault_injected", "fault injected: crash_etcd_member e1 e2", 0.0),
            phase("primary_demoted", "primary demoted", 6.0),
            phase("fault_injected", "fault injected: restart_faulted e1 e2", 0.0),
            phase("etcd_quorum_back", "etcd quorum back", 2.9));
    RunResult two =
        new RunResult(
            "lose-etcd-quorum",
            one.description(),
            one.source(),
            one.runId(),
            one.startedAt(),
            one.stack(),
            List.of(
                new RunResult.FaultRecord("crash_etcd_member", "e1 e2", 3.0, "crash"),
                new RunResult.FaultRecord("restart_faulted", "e1 e2", 13.0, "restart")),
            phases,
            true,
            2.9,
            one.probes(),
            one.ledger(),
            one.anomalies(),
            one.slos(),
            true,
            one.events(),
            one.notes(),
            20.0,
            one.operations(),
            null);
    String svg = HtmlReport.svg(two);
    double demoted = markerX(svg, "primary demoted");
    double back = markerX(svg, "etcd quorum back");
    assertThat(back)
        .as("2.9 s after the restart at +10 s is later than 6.0 s after the crash")
        .isGreaterThan(demoted);
    assertThat(svg).contains("2.90 s after restart_faulted").contains(">restart_faulted</text>");
  }

  static RunResult.PhaseResult phase(String id, String label, double at) {
    return new RunResult.PhaseResult(
        id, label, "test", true, at, new Bound(0, 8, ""), true, 0, 0, 0, Map.of());
  }

  /** The x of the observed-phase marker whose title starts with {@code label}. */
  static double markerX(String svg, String label) {
    var m =
        java.util.regex.Pattern.compile(
                "<path d=\"M([0-9.]+) [^\"]*\"[^>]*><title>"
                    + java.util.regex.Pattern.quote(label)
                    + ":")
            .matcher(svg);
    assertThat(m.find()).as("a marker for %s", label).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void writerPutsEveryFormatInTheRunDirectoryAndJsonHasTheOperations() throws Exception {
    List<Path> files = ReportWriter.write(List.of(run(false)), dir);
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("report.json", "report.md", "report.html", "junit.xml");
    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("report.json")));
    assertThat(json.path("passed").asBoolean()).isTrue();
    assertThat(json.path("phases").get(1).path("at_seconds").asDouble()).isEqualTo(9.41);
    assertThat(json.path("operations").get(0).path("retries").asInt()).isEqualTo(12);
  }

  @Test
  void aRepeatSeriesGetsADistributionPerPhase() {
    RunResult a = run(false);
    RunResult b = run(true);
    RepeatSummary s = RepeatSummary.of(List.of(a, b, a));
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.passed()).isEqualTo(2);
    assertThat(s.phases())
        .anySatisfy(
            p -> {
              assertThat(p.id()).isEqualTo("leader_key_gone");
              assertThat(p.median()).isEqualTo(9.41);
              assertThat(p.observed()).isEqualTo(3);
            });
    assertThat(s.markdown())
        .contains("2 of 3 runs met every SLO")
        .contains("| lost_acknowledged_writes | 2 / 3 |")
        .doesNotContain("load beside");
    assertThat(s.loadStats()).isEmpty();
  }

  @Test
  void aRepeatSeriesWithLoadSummarisesWhatTheLoadPaidPerRun() {
    RunResult loaded = withLoad(run(false));
    RepeatSummary s = RepeatSummary.of(List.of(loaded, loaded, run(true)));
    assertThat(s.loadStats())
        .anySatisfy(
            st -> {
              assertThat(st.id()).isEqualTo("load_worst_p99_ms");
              assertThat(st.observed()).as("the run without load is not counted").isEqualTo(2);
              assertThat(st.median()).isEqualTo(9100.0);
            });
    assertThat(s.loadErrorsByKind()).containsEntry("http_503", 4L);
    assertThat(s.markdown())
        .contains("| load beside each run: mix 9:1 at 200 req/s over 100 connections |")
        .contains("| requests failed from the fault on | 2 | 2 | 2 | 2 |")
        .contains("Load errors over all runs: http_503 x4.");
  }
}
