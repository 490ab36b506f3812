package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.ExitCode;
import io.madbase.load.TestServer;
import io.madbase.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code madbase loadtest} as a user runs it, against a JDK HttpServer on 127.0.0.1 (no stack). */
class LoadTestCommandTest {
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void badFlagsExitTwoNamingEachFlag() {
    CliRun r =
        CliRun.run(
            "loadtest",
            "--url",
            server.uri() + "/fast",
            "--rate",
            "0",
            "--connections",
            "0",
            "--max-error-rate",
            "2");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains("--rate must be > 0")
        .contains("--connections must be between 1 and 60000")
        .contains("--max-error-rate must be between 0 and 1");
  }

  @Test
  void pathAndMixExcludeEachOther() {
    CliRun r =
        CliRun.run("loadtest", "--url", server.uri().toString(), "--path", "/fast", "--mix", "9:1");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("--path and --mix exclude each other");
  }

  @Test
  void withoutUrlAndWithoutAStackItIsAnEnvironmentError(@TempDir Path dir) {
    CliRun r = CliRun.run("loadtest", "--state-dir", dir.resolve("none").toString(), "-d", "1s");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
  }

  @Test
  void aMetRunExitsZeroWithJsonOnStdoutAndJunitWritten(@TempDir Path dir) throws Exception {
    Path junit = dir.resolve("out/junit.xml");
    CliRun r =
        CliRun.run(
            "loadtest",
            "--url",
            server.uri() + "/fast",
            "--rate",
            "200",
            "-c",
            "20",
            "-d",
            "1s",
            "--warmup",
            "0s",
            "--p99",
            "500ms",
            "--max-error-rate",
            "0",
            "-o",
            "json",
            "--junit",
            junit.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("passed").asBoolean()).isTrue();
    assertThat(j.path("result").path("counts").path("scheduled").asLong()).isEqualTo(200);
    assertThat(j.path("result").path("counts").path("ok").asLong()).isEqualTo(200);
    assertThat(j.path("result").path("connections").path("established").asInt()).isEqualTo(20);
    assertThat(j.path("result").path("latency").path("p99").asDouble()).isPositive();
    assertThat(j.path("checks"))
        .extracting(c -> c.path("name").asText())
        .containsExactly("connections", "p99", "error_rate");
    assertThat(j.path("result").path("seconds").size()).isGreaterThanOrEqualTo(1);
    String xml = Files.readString(junit);
    assertThat(xml)
        .contains("<testsuite name=\"madbase.loadtest\" tests=\"3\" failures=\"0\"")
        .contains("name=\"p99 &lt;= 500.00 ms\"");
  }

  @Test
  void aMissedThresholdExitsOneAndSaysWhich(@TempDir Path dir) throws Exception {
    server.slowMillis = 30;
    Path junit = dir.resolve("junit.xml");
    CliRun r =
        CliRun.run(
            "loadtest",
            "--url",
            server.uri() + "/slow",
            "--rate",
            "50",
            "-c",
            "5",
            "-d",
            "1s",
            "--warmup",
            "0s",
            "--p99",
            "5ms",
            "--junit",
            junit.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.CHECK_FAILED);
    assertThat(r.out())
        .contains("FAIL p99")
        .contains("PASS connections")
        .contains("FAIL (1 of 2 thresholds missed)");
    assertThat(r.err()).contains("connections: requested 5, established 5");
    assertThat(Files.readString(junit))
        .contains("failures=\"1\"")
        .contains("<failure message=\"measured");
  }
}
