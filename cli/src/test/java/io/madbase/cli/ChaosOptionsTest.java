package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.ExitCode;
import io.madbase.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A chaos dry run checks every option a real run would, and says which one is wrong. */
class ChaosOptionsTest {
  @TempDir Path dir;

  private CliRun dryRun(String... options) {
    List<String> args = new ArrayList<>(List.of("chaos", "kill-primary", "--dry-run"));
    args.addAll(List.of("--state-dir", dir.resolve("none").toString()));
    args.addAll(List.of(options));
    if (!args.contains("--report-dir")) {
      args.addAll(List.of("--report-dir", dir.resolve("reports").toString()));
    }
    return CliRun.run(args.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--load -5                        | --load must be a rate above 0 req/s (got -5)",
        "--load 0                         | --load must be a rate above 0 req/s (got 0)",
        "--load NaN                       | --load must be a rate above 0 req/s",
        "--load Infinity                  | --load must be a rate above 0 req/s",
        "--load 2000000                   | --load must be at most 1000000 req/s",
        "--load 10 --load-mix abc         | --load-mix must be READS:WRITES, whole numbers not both 0, such as 9:1 (got 'abc')",
        "--load 10 --load-mix 0:0         | --load-mix must be READS:WRITES",
        "--load 10 --load-mix 1:-1        | --load-mix must be READS:WRITES",
        "--load 10 --load-connections 0   | --load-connections must be between 1 and 60000 (got 0)",
        "--load 10 --load-connections -1  | --load-connections must be between 1 and 60000 (got -1)",
        "--load 10 --load-connections 70000 | --load-connections must be between 1 and 60000 (got 70000)",
        "--load-mix 1:1                   | --load-mix is for --load RATE, which is not given",
        "--load-connections 5             | --load-connections is for --load RATE, which is not given",
        "--load-warmup 5s                 | --load-warmup is for --load RATE, which is not given",
        "--load 10 --load-warmup 2h       | --load-warmup must be between 0s and 1h (got 2h)",
        "--repeat 0                       | --repeat must be between 1 and 100 (got 0)",
        "--repeat 101                     | --repeat must be between 1 and 100 (got 101)",
      })
  void aBadOptionFailsTheDryRunWithExitTwo(String options, String message) {
    CliRun r = dryRun(options.strip().split(" +"));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
    assertThat(r.out()).as("no plan is printed").isEmpty();
  }

  @Test
  void everyBadOptionIsNamedAtOnce() {
    CliRun r = dryRun("--load", "-5", "--load-mix", "abc", "--load-connections", "0");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains("3 problems with the options")
        .contains("--load must")
        .contains("--load-mix must")
        .contains("--load-connections must");
  }

  @Test
  void goodLoadOptionsPassTheDryRun() {
    CliRun r =
        dryRun(
            "--load",
            "200",
            "--load-mix",
            "1:1",
            "--load-connections",
            "20",
            "--load-warmup",
            "0s");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("dry run: nothing was done");
  }

  @Test
  void loadOnAStackWithoutAGatewayFailsTheDryRun() throws Exception {
    Path spec = dir.resolve("madbase.yaml");
    Files.writeString(spec, "gateway:\n  instances: 0\n");
    Path scenario = dir.resolve("no-gateway-probe.yaml");
    Files.writeString(
        scenario, "name: x\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\n");
    CliRun r =
        CliRun.run(
            "chaos",
            "run",
            scenario.toString(),
            "--dry-run",
            "--load",
            "10",
            "-f",
            spec.toString(),
            "--state-dir",
            dir.resolve("none").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("--load runs through the gateway, and this stack has none");
  }

  @Test
  void aReportDirThatIsAFileFailsTheDryRunWithExitThree() throws Exception {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    CliRun r = dryRun("--report-dir", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("--report-dir " + file).contains("is a file, not a directory");
  }

  @Test
  void aReportDirBelowAFileFailsTheDryRunWithExitThree() throws Exception {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    CliRun r = dryRun("--report-dir", file.resolve("reports").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("is a file, not a directory, so the directory cannot be created");
    assertThat(dir.resolve("reports")).doesNotExist();
  }

  @Test
  void anEmptyReportDirIsNamed() {
    CliRun r = dryRun("--report-dir", "");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("--report-dir: the directory name is empty");
  }

  @Test
  void aBadOptionIsReportedBeforeTheMissingStack() {
    CliRun r =
        CliRun.run(
            "chaos", "kill-primary", "--load", "-1", "--state-dir", dir.resolve("no").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("--load must be a rate above 0");
  }
}
