package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.ExitCode;
import io.madbase.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole command line, as a user runs it: exit codes and what is printed where. */
class CliTest {
  @TempDir Path dir;

  @Test
  void theBundledScenariosAreBuiltOnlyForACommandLineThatNamesChaosAndTheTopHelpIsTheSameWithout() {
    assertThat(Main.namesChaos(new String[] {"--help"})).isFalse();
    assertThat(Main.namesChaos(new String[] {"up", "-f", "x.yaml"})).isFalse();
    assertThat(Main.namesChaos(new String[] {"chaos", "kill-primary", "--dry-run"})).isTrue();
    assertThat(Main.namesChaos(new String[] {"help", "chaos"})).isTrue();
    java.io.StringWriter with = new java.io.StringWriter();
    java.io.StringWriter without = new java.io.StringWriter();
    java.io.PrintWriter err = new java.io.PrintWriter(new java.io.StringWriter());
    assertThat(Madbase.commandLine(new java.io.PrintWriter(with), err, true).execute("--help"))
        .isZero();
    assertThat(Madbase.commandLine(new java.io.PrintWriter(without), err, false).execute("--help"))
        .isZero();
    assertThat(without.toString()).contains("chaos").isEqualTo(with.toString());
    assertThat(
            Madbase.commandLine(new java.io.PrintWriter(without), err, false)
                .getSubcommands()
                .get("chaos")
                .getSubcommands())
        .containsKeys("list", "run")
        .doesNotContainKey("kill-primary");
  }

  @Test
  void helpListsEveryCommandWithADescription() {
    CliRun r = CliRun.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("init ", "validate ", "render ").contains("Exit codes:");
  }

  @Test
  void versionPrintsTheVersion() {
    CliRun r = CliRun.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("madbase ").doesNotContain("unknown");
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.run();
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("Usage: madbase").contains("a command is required");
  }

  @Test
  void unknownCommandIsAUsageErrorWithASuggestion() {
    CliRun r = CliRun.run("rendr");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("rendr").contains("render");
  }

  @Test
  void unknownCommandIsNamedAsOneWithoutPicocliWords() {
    CliRun r = CliRun.run("rendr");
    assertThat(r.err())
        .startsWith("madbase: unknown command 'rendr'")
        .doesNotContain("Unmatched argument");
  }

  @Test
  void anExtraArgumentIsNamedAsOne() {
    CliRun r = CliRun.run("validate", "-f", "madbase.yaml", "extra");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .startsWith("madbase: unexpected argument 'extra' (madbase validate takes no more)");
  }

  @Test
  void numbersAndUrlsInFlagsAreRefusedInTheUsersWords() {
    CliRun repeat = CliRun.run("chaos", "kill-primary", "--dry-run", "--repeat", "abc");
    assertThat(repeat.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(repeat.err()).contains("'abc' is not a whole number").doesNotContain("int");
    CliRun big = CliRun.run("chaos", "kill-primary", "--dry-run", "--repeat", "99999999999");
    assertThat(big.err()).contains("'99999999999' is not a whole number of at most 2147483647");
    CliRun load = CliRun.run("chaos", "kill-primary", "--dry-run", "--load", "fast");
    assertThat(load.err()).contains("'fast' is not a number").doesNotContain("double");
    CliRun url = CliRun.run("loadtest", "--url", "http://");
    assertThat(url.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(url.err())
        .contains("'http://' is not a URL (expected authority at character 8)")
        .doesNotContain("java.");
  }

  @Test
  void aWorkerWithAnEmptyNameIsRefusedWithEveryOtherProblem() {
    CliRun r = CliRun.run("worker", "--name", " ", "--port", "-5", "--shutdown-grace", "soon");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains("worker: --name: empty")
        .contains("worker: --port: out of range")
        .contains("worker: --shutdown-grace: 'soon' is not");
  }

  @Test
  void renderDryRunChecksWhereItWouldWrite() {
    CliRun r = CliRun.run("render", "--dry-run", "--state-dir", "/dev/null");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("--out /dev/null/rendered: /dev/null is a file");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownScenarioPointsAtChaosList() {
    CliRun r = CliRun.run("chaos", "nosuch");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .startsWith(
            "madbase: no scenario 'nosuch': madbase chaos list shows the bundled ones; your own"
                + " file: madbase chaos run FILE")
        .doesNotContain("Unmatched argument");
  }

  @Test
  void aScenarioFileGivenToChaosItselfPointsAtChaosRun() throws Exception {
    Path f = Files.writeString(dir.resolve("mine.yaml"), "name: x\n");
    CliRun r = CliRun.run("chaos", f.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("to run this file: madbase chaos run " + f);
  }

  @Test
  void initToAPathBelowAFileIsExitThreeNamingIt() {
    CliRun r = CliRun.run("init", "-f", "/dev/null/madbase.yaml");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err())
        .contains("/dev/null/madbase.yaml")
        .contains("/dev/null is a file")
        .doesNotContain("internal error");
  }

  @Test
  void initToAFolderThatCannotBeCreatedIsExitThreeNamingIt() throws Exception {
    Files.writeString(dir.resolve("taken"), "x");
    Path file = dir.resolve("taken/sub/madbase.yaml");
    CliRun r = CliRun.run("init", "-f", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains(file.toString()).doesNotContain("internal error");
  }

  @Test
  void initNeverWritesOverAFolderOrADevice() throws Exception {
    CliRun folder = CliRun.run("init", "--force", "-f", dir.toString());
    assertThat(folder.exitCode()).as(folder.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(folder.err()).contains(dir + ": is a directory, not a file");
    CliRun device = CliRun.run("init", "--force", "-f", "/dev/null");
    assertThat(device.exitCode()).as(device.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(device.err()).contains("/dev/null: is not a regular file");
    assertThat(Files.isRegularFile(Path.of("/dev/null")))
        .as("/dev/null is still a device")
        .isFalse();
  }

  @Test
  void initLeavesOnlyTheFile() throws Exception {
    Path file = dir.resolve("sub/madbase.yaml");
    assertThat(CliRun.run("init", "-f", file.toString()).exitCode()).isZero();
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertThat(s).containsExactly(file);
    }
    assertThat(mode(file)).isEqualTo("rw-r--r--");
  }

  @Test
  void initWritesTheDefaultsAndRefusesToOverwrite() throws Exception {
    Path file = dir.resolve("madbase.yaml");
    assertThat(CliRun.run("init", "-f", file.toString()).exitCode()).isZero();
    assertThat(Files.readString(file)).contains("profile: fast").contains("quorum: 2");
    CliRun again = CliRun.run("init", "-f", file.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(again.err()).contains("already exists").contains("--force");
    CliRun valid = CliRun.run("validate", "-f", file.toString());
    assertThat(valid.exitCode()).as(valid.toString()).isZero();
    assertThat(valid.out()).contains("valid").contains("ttl 10 / loop_wait 2 / retry_timeout 4");
    assertThat(valid.err()).as("the default hold covers a fast-profile crash").isEmpty();
  }

  @Test
  void validateWarnsWhenTheGatewayCannotHoldWritesThroughACrashFailover() {
    CliRun r =
        CliRun.run("validate", "-f", write("failover:\n  profile: patroni-defaults\n").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    // ttl 30 + 0.5, election within loop_wait 10, promotion 1, HAProxy rise 2 x 3 s + 1, retry 2
    assertThat(r.err())
        .contains("warning: gateway.hold_deadline (20s) is shorter")
        .contains("up to 50.5 s")
        .contains("gateway.hold_deadline: 52s covers it");
    CliRun held =
        CliRun.run(
            "validate",
            "-o",
            "json",
            "-f",
            write("failover:\n  profile: patroni-defaults\ngateway:\n  hold_deadline: 52s\n")
                .toString());
    assertThat(held.exitCode()).as(held.toString()).isZero();
    assertThat(held.err()).isEmpty();
    assertThat(held.out()).contains("\"warnings\" : [ ]");
  }

  @Test
  void validateNamesFileLineAndFieldAndExitsTwo() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "name: shop\nfailover:\n  patroni:\n    ttl: 6\n");
    CliRun r = CliRun.run("validate", "-f", file.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains(file + ":4:")
        .contains("failover.patroni.ttl")
        .contains("must be <= ttl (6)");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void validateJsonShowsTheTimingInForce() {
    CliRun r =
        CliRun.run(
            "validate",
            "-o",
            "json",
            "--state-dir",
            dir.toString(),
            "-f",
            write("failover:\n  profile: patroni-defaults\n").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"ttl\" : 30").contains("\"inter\" : \"3s\"");
  }

  @Test
  void aMissingSpecFileNamedWithFIsAnError() {
    CliRun r = CliRun.run("validate", "-f", dir.resolve("nope.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("nope.yaml: no such file");
  }

  @Test
  void renderWritesEveryConfigWithSecretsOwnerOnly() throws Exception {
    Path out = dir.resolve("out");
    Path state = dir.resolve("state");
    CliRun r = CliRun.run("render", "--state-dir", state.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(out.resolve("local/haproxy/haproxy.cfg")).exists();
    assertThat(out.resolve("compose/docker-compose.yml")).exists();
    assertThat(mode(out.resolve("local/patroni/pg1.yml"))).isEqualTo("rw-------");
    assertThat(mode(out.resolve("compose/redis/r2.conf"))).isEqualTo("rw-------");
    assertThat(mode(out.resolve("local/haproxy/haproxy.cfg"))).isEqualTo("rw-r--r--");
    assertThat(mode(state.resolve("secrets.json"))).isEqualTo("rw-------");
    // rendering again keeps the same passwords: they are generated once per stack
    String before = Files.readString(out.resolve("local/patroni/pg1.yml"));
    assertThat(
            CliRun.run("render", "--state-dir", state.toString(), "--out", out.toString())
                .exitCode())
        .isZero();
    assertThat(Files.readString(out.resolve("local/patroni/pg1.yml"))).isEqualTo(before);
  }

  @Test
  void renderOneTargetWritesStraightIntoOut() {
    Path out = dir.resolve("out");
    CliRun r =
        CliRun.run(
            "render",
            "--target",
            "local",
            "--state-dir",
            dir.resolve("s").toString(),
            "--out",
            out.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(out.resolve("haproxy/haproxy.cfg")).exists();
    assertThat(out.resolve("docker-compose.yml")).doesNotExist();
  }

  @Test
  void renderWithABadSpecWritesNothing() throws Exception {
    Path out = dir.resolve("out");
    Path state = dir.resolve("state");
    CliRun r =
        CliRun.run(
            "render",
            "-f",
            write("etcd:\n  members: 2\n").toString(),
            "--state-dir",
            state.toString(),
            "--out",
            out.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(":2:").contains("etcd.members");
    assertThat(out).doesNotExist();
    assertThat(state).doesNotExist();
  }

  @Test
  void aRenderThatCannotWriteComposeWritesNothingAndCreatesNoSecrets() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("compose"), "a file where the compose folder goes");
    Path state = dir.resolve("state");
    CliRun r = CliRun.run("render", "--state-dir", state.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err())
        .contains("cannot write " + out.resolve("compose"))
        .contains(out.resolve("compose") + " is a file, not a folder (nothing was written)");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s).as("no local/, no staging folder").containsExactly(out.resolve("compose"));
    }
    assertThat(state).as("no secrets.json for a render that failed").doesNotExist();
  }

  @Test
  void aRenderBlockedByAFolderWhereAFileGoesLeavesTheOutputAsItWas() throws Exception {
    Path out = dir.resolve("out");
    Path state = dir.resolve("state");
    assertThat(
            CliRun.run("render", "--state-dir", state.toString(), "--out", out.toString())
                .exitCode())
        .isZero();
    String before = Files.readString(out.resolve("local/patroni/pg1.yml"));
    Path cfg = out.resolve("compose/haproxy/haproxy.cfg");
    Files.delete(cfg);
    Files.createDirectories(cfg);
    Files.writeString(
        dir.resolve("madbase.yaml"), "failover:\n  patroni:\n    ttl: 30\n    loop_wait: 10\n");
    CliRun r =
        CliRun.run(
            "render",
            "-f",
            dir.resolve("madbase.yaml").toString(),
            "--state-dir",
            state.toString(),
            "--out",
            out.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("cannot write " + cfg + ": a folder is in the way");
    assertThat(Files.readString(out.resolve("local/patroni/pg1.yml")))
        .as("local/ was not rewritten either")
        .isEqualTo(before);
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("local", "compose");
    }
  }

  @Test
  void printShowsOneFileWithPasswordsMasked() throws Exception {
    Path state = dir.resolve("state");
    assertThat(
            CliRun.run(
                    "render", "--state-dir", state.toString(), "--out", dir.resolve("o").toString())
                .exitCode())
        .isZero();
    String secrets = Files.readString(state.resolve("secrets.json"));
    CliRun r = CliRun.run("render", "--state-dir", state.toString(), "--print", "patroni/pg1.yml");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("password: <masked>").contains("scope: madbase");
    String superuser = secrets.replaceAll("(?s).*\"superuser\" : \"([^\"]+)\".*", "$1");
    assertThat(superuser).hasSize(32);
    assertThat(r.out()).doesNotContain(superuser);
  }

  @Test
  void printOfAnUnknownFileListsTheRenderedOnes() {
    CliRun r = CliRun.run("render", "--state-dir", dir.toString(), "--print", "nginx.conf");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("no rendered file 'nginx.conf'").contains("haproxy/haproxy.cfg");
  }

  @Test
  void dryRunListsFilesAndWritesNothing() throws Exception {
    Path out = dir.resolve("out");
    CliRun r =
        CliRun.run(
            "render",
            "--dry-run",
            "--state-dir",
            dir.resolve("state").toString(),
            "--out",
            out.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("0600").contains("patroni/pg3.yml").contains("dry run");
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void badFlagValueIsAUsageError() {
    CliRun r = CliRun.run("render", "--target", "kubernetes");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("--target").contains("kubernetes");
  }

  private Path write(String yaml) {
    try {
      Path f = Files.createTempFile(dir, "spec", ".yaml");
      Files.writeString(f, yaml);
      return f;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
