package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StackSpecLoaderTest {
  @TempDir Path dir;

  @Test
  void noFileMeansTheDefaultsButAnEmptyOneIsRefusedWhereverItComesFrom() throws Exception {
    Path f = dir.resolve("madbase.yaml");
    assertThat(StackSpecLoader.load(f, false).spec()).isEqualTo(StackSpec.defaults());
    Files.createFile(f);
    for (boolean required : List.of(false, true)) {
      MadbaseException e =
          catchThrowableOfType(MadbaseException.class, () -> StackSpecLoader.load(f, required));
      assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
      assertThat(e.getMessage())
          .startsWith(f + ": the file is empty")
          .contains("remove it to use the built-in defaults");
    }
  }

  @Test
  void aMadbaseYamlLinkingToNothingIsNotTakenForNoFile() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("madbase.yaml"), dir.resolve("moved.yaml"));
    MadbaseException e =
        catchThrowableOfType(MadbaseException.class, () -> StackSpecLoader.load(link, false));
    assertThat(e.getMessage()).contains("a symbolic link to").contains("which does not exist");
  }

  @Test
  void emptyFileMeansTheStandardStack() {
    StackSpec s = StackSpecLoader.parse("madbase.yaml", "# nothing but a comment\n");
    assertThat(s).isEqualTo(StackSpec.defaults());
    assertThat(s.etcd().members()).isEqualTo(3);
    assertThat(s.postgres().nodes()).isEqualTo(3);
    assertThat(s.haproxy().primaryPort()).isEqualTo(5433);
    assertThat(s.haproxy().replicasPort()).isEqualTo(5434);
    assertThat(s.haproxy().maxconn()).isEqualTo(1000);
    assertThat(s.sentinel().quorum()).isEqualTo(2);
  }

  @Test
  void fastProfileHasTheMeasuredTimings() {
    FailoverTiming t = StackSpec.defaults().timing();
    assertThat(t.patroni()).isEqualTo(new FailoverTiming.Patroni(10, 2, 4));
    assertThat(t.haproxy().inter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(t.haproxy().fastinter()).isEqualTo(Duration.ofMillis(500));
    assertThat(t.haproxy().fall()).isEqualTo(2);
    assertThat(t.haproxy().rise()).isEqualTo(1);
    assertThat(t.sentinel().downAfter()).isEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void theCommentedDefaultFileDescribesExactlyTheDefaults() throws IOException {
    try (InputStream in =
        getClass().getResourceAsStream("/io/madbase/stack/madbase.default.yaml")) {
      assertThat(in).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(StackSpecLoader.parse("madbase.default.yaml", text))
          .isEqualTo(StackSpec.defaults());
    }
  }

  @Test
  void profileValuesCanBeOverriddenOneByOne() {
    StackSpec s =
        StackSpecLoader.parse(
            "m.yaml",
            """
            failover:
              profile: patroni-defaults
              patroni:
                ttl: 40
              haproxy:
                rise: 1
              sentinel:
                down_after: 5s
            """);
    FailoverTiming t = s.timing();
    assertThat(t.patroni().ttl()).isEqualTo(40);
    assertThat(t.patroni().loopWait()).isEqualTo(10); // from the profile
    assertThat(t.haproxy().rise()).isEqualTo(1);
    assertThat(t.haproxy().fall()).isEqualTo(3); // from the profile
    assertThat(t.sentinel().downAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void sectionsKeepDefaultsForWhatTheyDoNotSet() {
    StackSpec s = StackSpecLoader.parse("m.yaml", "postgres:\n  max_connections: 300\n");
    assertThat(s.postgres().maxConnections()).isEqualTo(300);
    assertThat(s.postgres().nodes()).isEqualTo(3);
    assertThat(s.postgres().port()).isEqualTo(5432);
  }

  /** A bad input, and what the one error it causes must say. */
  record Bad(String label, String yaml, int line, String field, String messagePart) {
    @Override
    public String toString() {
      return label;
    }
  }

  static List<Bad> badInputs() {
    return List.of(
        new Bad(
            "unknown top-level key", "name: x\nprofile: fast\n", 2, "", "unknown field 'profile'"),
        new Bad(
            "unknown nested key",
            "etcd:\n  members: 3\n  member: 5\n",
            3,
            "etcd.member",
            "unknown field 'member'"),
        new Bad(
            "word where a number goes",
            "etcd:\n  members: three\n",
            2,
            "etcd.members",
            "expected a whole number"),
        new Bad(
            "quoted number",
            "postgres:\n  nodes: \"3\"\n",
            2,
            "postgres.nodes",
            "expected a whole number"),
        new Bad(
            "fraction where a whole number goes",
            "redis:\n  nodes: 2.5\n",
            2,
            "redis.nodes",
            "whole number"),
        new Bad(
            "duration without a unit",
            "failover:\n  haproxy:\n    inter: 1000\n",
            3,
            "failover.haproxy.inter",
            "duration"),
        new Bad(
            "duration in words",
            "gateway:\n  shutdown_grace: ten seconds\n",
            2,
            "gateway.shutdown_grace",
            "500ms, 2s"),
        new Bad(
            "tab indentation",
            "etcd:\n\tmembers: 3\n",
            2,
            "",
            "not valid YAML: a tab: YAML indents with spaces only"),
        new Bad(
            "stray indentation",
            "name: x\n  port: 5\n",
            2,
            "",
            "not valid YAML: a ':' here cannot start a value"),
        new Bad("list where a mapping goes", "postgres:\n  - nodes: 3\n", 1, "postgres", "mapping"),
        new Bad(
            "duplicate key",
            "etcd:\n  members: 3\n  members: 5\n",
            3,
            "etcd",
            "key 'members' is set twice"),
        new Bad(
            "loop_wait + 2*retry_timeout > ttl",
            "failover:\n  patroni:\n    ttl: 10\n    loop_wait: 4\n    retry_timeout: 4\n",
            4,
            "failover.patroni.loop_wait",
            "loop_wait + 2*retry_timeout (4 + 2*4 = 12) must be <= ttl (10)"),
        new Bad(
            "ttl too short for the profile's loop and retry",
            "failover:\n  profile: fast\n  patroni:\n    ttl: 8\n",
            4,
            "failover.patroni.ttl",
            "must be <= ttl (8)"),
        new Bad(
            "even number of etcd members",
            "etcd:\n  members: 4\n",
            2,
            "etcd.members",
            "must be odd"),
        new Bad(
            "too many etcd members",
            "etcd:\n  members: 11\n",
            2,
            "etcd.members",
            "between 1 and 9"),
        new Bad(
            "duplicate HAProxy ports",
            "haproxy:\n  primary_port: 5433\n  replicas_port: 5433\n",
            3,
            "haproxy.replicas_port",
            "port 5433 is also used by haproxy.primary_port"),
        new Bad(
            "port out of range",
            "gateway:\n  port: 70000\n",
            2,
            "gateway.port",
            "between 1 and 65535"),
        new Bad(
            "quorum larger than the sentinels",
            "sentinel:\n  count: 3\n  quorum: 4\n",
            3,
            "sentinel.quorum",
            "quorum 4 is larger than the number of sentinels (3)"),
        new Bad(
            "unknown profile",
            "failover:\n  profile: turbo\n",
            2,
            "failover.profile",
            "unknown profile 'turbo' (known: fast, patroni-defaults)"),
        new Bad(
            "subnet outside loopback", "local:\n  subnet: 10.0.1\n", 2, "local.subnet", "loopback"),
        new Bad(
            "HAProxy may open more connections than PostgreSQL allows",
            "postgres:\n  max_connections: 100\n",
            2,
            "postgres.max_connections",
            "HAProxy may open 150 connections to one node"),
        new Bad(
            "fastinter longer than inter",
            "failover:\n  haproxy:\n    inter: 1s\n    fastinter: 2s\n",
            4,
            "failover.haproxy.fastinter",
            "shorter than inter"),
        new Bad("stack name with spaces", "name: my stack\n", 1, "name", "lowercase letters"),
        new Bad(
            "shared_buffers without a unit",
            "postgres:\n  shared_buffers: lots\n",
            2,
            "postgres.shared_buffers",
            "32MB"),
        new Bad(
            "sentinel failover timeout shorter than down-after",
            "failover:\n  sentinel:\n    failover_timeout: 1s\n",
            3,
            "failover.sentinel.failover_timeout",
            "must be longer than down_after"),
        new Bad(
            "postgres as root",
            "local:\n  postgres_user: root\n",
            2,
            "local.postgres_user",
            "unprivileged"),
        new Bad(
            "patroni not an absolute path",
            "local:\n  patroni: venv/bin/patroni\n",
            2,
            "local.patroni",
            "absolute path"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsRefusedWithFileLineAndField(Bad bad) {
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> StackSpecLoader.parse("stack.yaml", bad.yaml()));
    assertThat(e).as("no error for: %s", bad.yaml()).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.errors()).hasSize(1);
    SpecError err = e.errors().get(0);
    assertThat(err.file()).isEqualTo("stack.yaml");
    assertThat(err.line()).as("line of: %s", err).isEqualTo(bad.line());
    if (!bad.field().isEmpty()) {
      assertThat(err.field()).isEqualTo(bad.field());
    }
    assertThat(err.message()).contains(bad.messagePart());
    assertThat(e.getMessage()).startsWith("stack.yaml:" + bad.line());
  }

  @Test
  void everyContradictionIsReportedInOnePass() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                StackSpecLoader.parse(
                    "m.yaml",
                    """
                    etcd:
                      members: 2
                    sentinel:
                      quorum: 5
                    haproxy:
                      stats_port: 5433
                    """));
    assertThat(e.errors())
        .extracting(SpecError::field)
        .containsExactlyInAnyOrder("etcd.members", "sentinel.quorum", "haproxy.stats_port");
    assertThat(e.errors()).extracting(SpecError::line).containsExactlyInAnyOrder(2, 4, 6);
    assertThat(e.getMessage()).startsWith("3 problems in m.yaml:");
  }

  @Test
  void unknownFieldListsTheKnownOnes() {
    assertThatThrownBy(() -> StackSpecLoader.parse("m.yaml", "redis:\n  master: x\n"))
        .hasMessageContaining(
            "known here: master_name, min_replicas_max_lag, min_replicas_to_write, nodes, port");
  }

  @Test
  void dataSafetySettingsDefaultToTodaysBehaviour() {
    StackSpec s = StackSpec.defaults();
    assertThat(s.postgres().synchronousMode()).isEqualTo(SynchronousMode.OFF);
    assertThat(s.postgres().maximumLagOnFailover()).isEqualTo(1_048_576L);
    assertThat(s.redis().minReplicasToWrite()).isZero();
    assertThat(s.redis().minReplicasMaxLag()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest(name = "synchronous_mode: {0}")
  @org.junit.jupiter.params.provider.CsvSource({
    "'\"off\"', off",
    "'\"on\"', on",
    "strict, strict",
    "off, off",
    "on, on",
    "true, on",
    "false, off"
  })
  void synchronousModeTakesOffOnStrictAndTheOldBooleans(String yaml, String mode) {
    StackSpec s = StackSpecLoader.parse("m.yaml", "postgres:\n  synchronous_mode: " + yaml + "\n");
    assertThat(s.postgres().synchronousMode().id()).isEqualTo(mode);
  }

  static List<Bad> badDataSafety() {
    return List.of(
        new Bad(
            "synchronous_mode not a mode",
            "postgres:\n  synchronous_mode: sometimes\n",
            2,
            "postgres.synchronous_mode",
            "expected one of off, on, strict, got 'sometimes'"),
        new Bad(
            "strict with one node",
            "postgres:\n  nodes: 1\n  synchronous_mode: strict\n",
            3,
            "postgres.synchronous_mode",
            "synchronous_mode strict needs at least 2 postgres nodes"),
        new Bad(
            "negative maximum lag",
            "postgres:\n  maximum_lag_on_failover: -1\n",
            2,
            "postgres.maximum_lag_on_failover",
            "must not be negative"),
        new Bad(
            "maximum lag where it used to be",
            "failover:\n  patroni:\n    maximum_lag_on_failover: 0\n",
            3,
            "failover.patroni.maximum_lag_on_failover",
            "moved: it is a data-safety setting now, postgres.maximum_lag_on_failover"),
        new Bad(
            "more replicas to write than there are",
            "redis:\n  min_replicas_to_write: 3\n",
            2,
            "redis.min_replicas_to_write",
            "the master would refuse every write: it needs 3 replicas and there are 2"),
        new Bad(
            "max lag not whole seconds",
            "redis:\n  min_replicas_max_lag: 1500ms\n",
            2,
            "redis.min_replicas_max_lag",
            "whole seconds"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDataSafety")
  void badDataSafetySettingsAreRefusedWithFileLineAndField(Bad bad) {
    badInputIsRefusedWithFileLineAndField(bad);
  }
}
