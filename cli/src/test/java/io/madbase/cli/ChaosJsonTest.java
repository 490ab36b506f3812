package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.ExitCode;
import io.madbase.Json;
import io.madbase.chaos.RunResult;
import io.madbase.report.ReportsTest;
import io.madbase.testing.CliRun;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chaos -o json: results on stdout as JSON (so | jq works), diagnostics on stderr. */
class ChaosJsonTest {
  @TempDir Path dir;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDryRunPrintsThePlanAsJsonAndNothingElseOnStdout() throws Exception {
    for (String flag : List.of("-o", "--output")) {
      CliRun r =
          CliRun.run(
              "chaos",
              "kill-primary",
              "--dry-run",
              flag,
              "json",
              "--state-dir",
              dir.resolve("none").toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      JsonNode plan = JSON.readTree(r.out());
      assertThat(plan.path("dry_run").asBoolean()).isTrue();
      assertThat(plan.path("scenario").asText()).isEqualTo("kill-primary");
      assertThat(plan.path("method").get(0).path("action").asText()).isEqualTo("crash_node");
      assertThat(plan.path("method").get(0).path("target").asText()).isEqualTo("leader");
      assertThat(plan.path("timing").path("patroni").path("ttl").asInt()).isEqualTo(10);
      JsonNode phases = plan.path("predicted_phases");
      assertThat(phases.size()).isPositive();
      assertThat(phases.findValuesAsText("id")).contains("leader_key_gone");
      assertThat(phases.get(0).path("predicted").path("max").asDouble()).isPositive();
      assertThat(plan.path("slo").has("write_unavailability")).isTrue();
      assertThat(r.err()).contains("dry run: nothing was done");
    }
  }

  @Test
  void aDryRunOfAScenarioFileAlsoPrintsJson() throws Exception {
    Path f = dir.resolve("mine.yaml");
    java.nio.file.Files.writeString(
        f,
        "name: mine\nmethod:\n  - action: crash_etcd_member\n    target: majority\n"
            + "  - action: sleep\n    duration: 5s\n  - action: restart_faulted\n");
    CliRun r =
        CliRun.run(
            "chaos", "run", f.toString(), "--dry-run", "-o", "json", "--state-dir", dir.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode plan = JSON.readTree(r.out());
    assertThat(plan.path("source").asText()).isEqualTo(f.toString());
    assertThat(plan.path("method").get(1).path("duration").asText()).isEqualTo("5s");
    assertThat(plan.path("method").findValuesAsText("action"))
        .containsExactly("crash_etcd_member", "sleep", "restart_faulted");
    assertThat(plan.path("method").get(0).path("target").asText()).isEqualTo("majority");
  }

  @Test
  void badInputWithJsonOutputStillGoesToStderrWithExitTwo() {
    CliRun r =
        CliRun.run(
            "chaos",
            "kill-primary",
            "--dry-run",
            "-o",
            "json",
            "--load",
            "-1",
            "--state-dir",
            dir.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("--load must be a rate above 0");
  }

  @Test
  void anUnknownOutputFormatIsAUsageError() {
    CliRun r = CliRun.run("chaos", "kill-primary", "-o", "yaml", "--dry-run");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("yaml").contains("text, json");
  }

  @Test
  void oneRunPrintsWhatReportJsonHolds() {
    RunResult r = ReportsTest.run(false);
    assertThat(Json.write(ChaosRunner.reportJson(List.of(r)))).isEqualTo(Json.write(r));
  }

  @Test
  void aRepeatedRunPrintsEveryRunAndTheSummary() throws Exception {
    JsonNode doc =
        JSON.readTree(
            Json.write(
                ChaosRunner.reportJson(List.of(ReportsTest.run(false), ReportsTest.run(true)))));
    assertThat(doc.path("runs").size()).isEqualTo(2);
    assertThat(doc.path("summary").isObject()).isTrue();
    assertThat(doc.path("runs").get(1).path("passed").asBoolean()).isFalse();
  }
}
