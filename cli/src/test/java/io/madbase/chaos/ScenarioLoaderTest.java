package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.stack.SpecError;
import io.madbase.stack.SpecException;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import io.madbase.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLoaderTest {
  @TempDir Path dir;

  @Test
  void everyBundledScenarioIsListedAndValid() throws Exception {
    Path sources = Path.of("..", "chaos-scenarios");
    List<String> files;
    try (Stream<Path> s = Files.list(sources)) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.replace(".yaml", ""))
              .sorted()
              .toList();
    }
    assertThat(ScenarioLoader.bundled()).containsExactlyInAnyOrderElementsOf(files);
    for (String name : ScenarioLoader.bundled()) {
      ScenarioSpec s = ScenarioLoader.load(name).spec();
      assertThat(s.name()).isEqualTo(name);
      assertThat(s.method())
          .anySatisfy(st -> assertThat(Action.find(st.action()).orElseThrow().isFault()).isTrue());
    }
  }

  @Test
  void theIssuesScenariosAreAllBundled() {
    assertThat(ScenarioLoader.bundled())
        .contains(
            "kill-primary",
            "sigterm-primary",
            "switchover",
            "kill-postgres",
            "freeze-primary",
            "kill-sentinel-master",
            "sigterm-gateway",
            "sigterm-worker",
            "add-worker",
            "kill-etcd-member",
            "partition-primary",
            "partition-primary-from-dcs",
            "partition-etcd-leader",
            "isolate-sentinel-master",
            "throttle-replication");
  }

  @Test
  void defaultsFillWhatAScenarioLeavesOut() {
    ScenarioSpec s = ScenarioLoader.parse("s.yaml", "name: x\nmethod:\n  - action: crash_node\n");
    assertThat(s.steadyState()).containsExactly("stack_healthy");
    assertThat(s.rollback()).containsExactly("restart_faulted");
    assertThat(s.probes().gatewayWriter()).isNull();
  }

  record Bad(String label, String yaml, int line, String field, String messagePart) {
    @Override
    public String toString() {
      return label;
    }
  }

  static List<Bad> badScenarios() {
    return List.of(
        new Bad("no name", "method:\n  - action: crash_node\n", 0, "name", "needs a name"),
        new Bad(
            "unknown action",
            "name: x\nmethod:\n  - action: explode\n",
            3,
            "method.0.action",
            "unknown action 'explode'"),
        new Bad(
            "unknown field",
            "name: x\nmethod:\n  - action: crash_node\n    node: pg1\n",
            4,
            "method.0.node",
            "unknown field 'node'"),
        new Bad(
            "field the action does not use",
            "name: x\nmethod:\n  - action: crash_node\n    duration: 5s\n",
            4,
            "method.0.duration",
            "crash_node does not use 'duration'"),
        new Bad(
            "sleep without duration",
            "name: x\nmethod:\n  - action: crash_node\n  - action: sleep\n",
            4,
            "method.1",
            "sleep needs a duration"),
        new Bad(
            "no fault at all",
            "name: x\nmethod:\n  - action: sleep\n    duration: 1s\n",
            2,
            "method",
            "has no fault"),
        new Bad(
            "await before any fault",
            "name: x\nmethod:\n  - action: await_recovery\n  - action: crash_node\n",
            3,
            "method.0.action",
            "needs a fault before it"),
        new Bad(
            "bad target",
            "name: x\nmethod:\n  - action: crash_node\n    target: the-big-one\n",
            4,
            "method.0.target",
            "is not a target"),
        new Bad(
            "bad signal",
            "name: x\nmethod:\n  - action: signal_gateway\n    signal: NUKE\n",
            4,
            "method.0.signal",
            "unknown signal 'NUKE'"),
        new Bad(
            "SLO without its probe",
            "name: x\nmethod:\n  - action: crash_node\nslo:\n  failed_haproxy_writes: 0\n",
            5,
            "slo.failed_haproxy_writes",
            "needs the haproxy_writer probe"),
        new Bad(
            "negative SLO",
            "name: x\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\nslo:\n  lost_acknowledged_writes: -1\n",
            7,
            "slo.lost_acknowledged_writes",
            "must not be negative"),
        new Bad(
            "probe interval too short",
            "name: x\nprobes:\n  gateway_writer: {interval: 1ms}\nmethod:\n  - action: crash_node\n",
            3,
            "probes.gateway_writer.interval",
            "at least 10ms"),
        new Bad(
            "unknown rollback",
            "name: x\nmethod:\n  - action: crash_node\nrollback: [reboot]\n",
            4,
            "rollback.0",
            "unknown rollback 'reboot'"),
        new Bad(
            "freeze without duration",
            "name: x\nmethod:\n  - action: freeze_node\n",
            3,
            "method.0",
            "freeze_node needs a duration"),
        new Bad(
            "sleep longer than an hour",
            "name: x\nmethod:\n  - action: crash_node\n  - action: sleep\n    duration: 61m\n",
            5,
            "method.1.duration",
            "at most 60m"),
        new Bad(
            "recovery wait longer than an hour",
            "name: x\nmethod:\n  - action: crash_node\n  - action: await_recovery\n"
                + "    timeout: 2h\n",
            5,
            "method.1.timeout",
            "at most 60m"),
        new Bad(
            "freeze longer than ten minutes",
            "name: x\nmethod:\n  - action: freeze_node\n    duration: 11m\n",
            4,
            "method.0.duration",
            "at most 10m"),
        new Bad(
            "freeze of a node that is not postgres",
            "name: x\nmethod:\n  - action: freeze_node\n    target: e1\n    duration: 5s\n",
            4,
            "method.0.target",
            "freeze_node takes a postgres node: leader, replica or a name such as pg2 (got 'e1',"
                + " an etcd member)"),
        new Bad(
            "crash_node of an etcd member",
            "name: x\nmethod:\n  - action: crash_node\n    target: e1\n",
            4,
            "method.0.target",
            "crash_node takes a postgres node"),
        new Bad(
            "stop_node of a gateway",
            "name: x\nmethod:\n  - action: stop_node\n    target: gw1\n",
            4,
            "method.0.target",
            "(got 'gw1', a gateway)"),
        new Bad(
            "kill_postgres of an etcd word",
            "name: x\nmethod:\n  - action: kill_postgres\n    target: follower\n",
            4,
            "method.0.target",
            "kill_postgres takes a postgres node"),
        new Bad(
            "signal_gateway of a postgres node",
            "name: x\nmethod:\n  - action: signal_gateway\n    target: pg1\n",
            4,
            "method.0.target",
            "signal_gateway takes a gateway: a name such as gw1 (got 'pg1', a postgres node)"),
        new Bad(
            "signal_worker of the leader",
            "name: x\nmethod:\n  - action: signal_worker\n    target: leader\n",
            4,
            "method.0.target",
            "signal_worker takes a worker"),
        new Bad(
            "crash_etcd_member of a replica",
            "name: x\nmethod:\n  - action: crash_etcd_member\n    target: replica\n",
            4,
            "method.0.target",
            "crash_etcd_member takes an etcd member"),
        new Bad(
            "crash_etcd_member of a redis node",
            "name: x\nmethod:\n  - action: crash_etcd_member\n    target: r1\n",
            4,
            "method.0.target",
            "(got 'r1', a redis node)"),
        new Bad(
            "switchover to the leader by role",
            "name: x\nmethod:\n  - action: switchover\n    candidate: leader\n",
            4,
            "method.0.candidate",
            "the candidate is the postgres node to promote, by name such as pg2 (got 'leader')"),
        new Bad(
            "switchover to something that is no member",
            "name: x\nmethod:\n  - action: switchover\n    candidate: 'pg1; drop'\n",
            4,
            "method.0.candidate",
            "the candidate is the postgres node to promote"),
        new Bad(
            "restart_faulted with nothing stopped before it",
            "name: x\nmethod:\n  - action: restart_faulted\n  - action: crash_node\n",
            3,
            "method.0.action",
            "restart_faulted needs a step before it that stops a member"),
        new Bad(
            "restart_faulted after a signal that stops nothing",
            "name: x\nmethod:\n  - action: signal_gateway\n    signal: HUP\n  - action: restart_faulted\n",
            5,
            "method.1.action",
            "or signal_gateway / signal_worker with TERM, KILL or INT"),
        new Bad(
            "majority for an action other than crash_etcd_member",
            "name: x\nmethod:\n  - action: crash_node\n    target: majority\n",
            4,
            "method.0.target",
            "only crash_etcd_member takes the target majority"),
        new Bad(
            "SLO stale_route negative",
            "name: x\nmethod:\n  - action: crash_node\nslo:\n  stale_route: -2\n",
            5,
            "slo.stale_route",
            "must not be negative"),
        new Bad(
            "SLO load_reads_completed over 100",
            "name: x\nmethod:\n  - action: crash_node\nslo:\n  load_reads_completed: 120\n",
            5,
            "slo.load_reads_completed",
            "a percentage: 0 to 100"),
        new Bad(
            "SLO stale_replica_route without the replica_reader probe",
            "name: x\nmethod:\n  - action: crash_node\nslo:\n  stale_replica_route: 0\n",
            5,
            "slo.stale_replica_route",
            "needs the replica_reader probe"),
        new Bad(
            "duration without unit",
            "name: x\nmethod:\n  - action: crash_node\n  - action: await_recovery\n    timeout: 60\n",
            5,
            "method.1.timeout",
            "duration"));
  }

  record Missing(String label, String stack, String yaml, int line, String field, String message) {
    @Override
    public String toString() {
      return label;
    }
  }

  static List<Missing> membersTheStackLacks() {
    return List.of(
        new Missing(
            "a postgres node beyond the count",
            "",
            "name: x\nmethod:\n  - action: crash_node\n    target: pg7\n",
            4,
            "method.0.target",
            "'pg7': this stack has postgres nodes pg1, pg2, pg3 (postgres.nodes: 3)"),
        new Missing(
            "a replica on a single node",
            "postgres:\n  nodes: 1\n",
            "name: x\nmethod:\n  - action: stop_node\n    target: replica\n",
            4,
            "method.0.target",
            "'replica': this stack has one postgres node, pg1 (postgres.nodes: 1), so no replica"),
        new Missing(
            "a frozen node beyond the count",
            "postgres:\n  nodes: 2\n",
            "name: x\nmethod:\n  - action: freeze_node\n    target: pg3\n    duration: 5s\n",
            4,
            "method.0.target",
            "this stack has postgres nodes pg1, pg2 (postgres.nodes: 2)"),
        new Missing(
            "a switchover candidate beyond the count",
            "",
            "name: x\nmethod:\n  - action: switchover\n    candidate: pg4\n",
            4,
            "method.0.candidate",
            "'pg4': this stack has postgres nodes pg1, pg2, pg3"),
        new Missing(
            "a switchover on a single node",
            "postgres:\n  nodes: 1\n",
            "name: x\nmethod:\n  - action: switchover\n",
            3,
            "method.0.action",
            "a switchover needs a replica to promote: this stack has one postgres node"),
        new Missing(
            "a gateway instance that does not exist",
            "",
            "name: x\nmethod:\n  - action: signal_gateway\n    target: gw2\n",
            4,
            "method.0.target",
            "'gw2': this stack has one gateway, gw1 (gateway.instances: 1)"),
        new Missing(
            "the default gateway on a stack without one",
            "gateway:\n  instances: 0\n",
            "name: x\nmethod:\n  - action: signal_gateway\n",
            3,
            "method.0",
            "signal_gateway's default target 'gw1': this stack has no gateways (gateway.instances: 0)"),
        new Missing(
            "a worker beyond the count",
            "",
            "name: x\nmethod:\n  - action: signal_worker\n    target: w3\n",
            4,
            "method.0.target",
            "'w3': this stack has workers w1, w2 (workers.count: 2)"),
        new Missing(
            "a worker beyond the count and the workers added before it",
            "",
            "name: x\nmethod:\n  - action: add_worker\n  - action: signal_worker\n"
                + "    target: w4\n",
            5,
            "method.1.target",
            "this stack has workers w1, w2, w3 (workers.count: 2, and add_worker steps before"),
        new Missing(
            "an etcd member beyond the count",
            "",
            "name: x\nmethod:\n  - action: crash_etcd_member\n    target: e4\n",
            4,
            "method.0.target",
            "'e4': this stack has etcd members e1, e2, e3 (etcd.members: 3)"),
        new Missing(
            "an etcd follower on a single member",
            "etcd:\n  members: 1\n",
            "name: x\nmethod:\n  - action: crash_etcd_member\n    target: follower\n",
            4,
            "method.0.target",
            "'follower': this stack has one etcd member, e1 (etcd.members: 1), so no follower"),
        new Missing(
            "a gateway probe on a stack without a gateway",
            "gateway:\n  instances: 0\n",
            "name: x\nprobes:\n  gateway_writer: {}\nmethod:\n  - action: crash_node\n",
            3,
            "probes.gateway_writer",
            "probes through the gateway, and this stack has none (gateway.instances: 0)"),
        new Missing(
            "a function caller on a stack without workers",
            "workers:\n  count: 0\n",
            "name: x\nprobes:\n  function_caller: {}\nmethod:\n  - action: crash_node\n",
            3,
            "probes.function_caller",
            "calls the workers, and this stack has none"),
        new Missing(
            "a replica reader on a single node",
            "postgres:\n  nodes: 1\n",
            "name: x\nprobes:\n  replica_reader: {}\nmethod:\n  - action: crash_node\n",
            3,
            "probes.replica_reader",
            "reads from a replica, and this stack has one postgres node"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("membersTheStackLacks")
  void aMemberTheStackLacksIsRefusedWhenTheScenarioLoads(Missing m) {
    StackSpec stack = StackSpecLoader.parse("madbase.yaml", m.stack());
    assertThat(ScenarioLoader.parse("mine.yaml", m.yaml()))
        .as("valid on its own: only the stack lacks the member")
        .isNotNull();
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> ScenarioLoader.parse("mine.yaml", m.yaml(), stack));
    assertThat(e).as("accepted: %s", m.yaml()).isNotNull();
    SpecError err = e.errors().get(0);
    assertThat(err.file()).isEqualTo("mine.yaml");
    assertThat(err.line()).as("%s", err).isEqualTo(m.line());
    assertThat(err.field()).isEqualTo(m.field());
    assertThat(err.message()).contains(m.message());
  }

  @Test
  void aWorkerAddedByAnEarlierStepIsATarget() {
    ScenarioSpec s =
        ScenarioLoader.parse(
            "mine.yaml",
            "name: x\nmethod:\n  - action: add_worker\n  - action: signal_worker\n    target: w3\n",
            StackSpec.defaults());
    assertThat(s.method()).hasSize(2);
  }

  @Test
  void everyBundledScenarioFitsTheDefaultStackButTheRollingRestartWhichNeedsTwoGateways() {
    for (String name : ScenarioLoader.bundled()) {
      if (!name.equals("rolling-restart-gateways")) {
        ScenarioLoader.checkAgainst(ScenarioLoader.load(name), StackSpec.defaults());
      }
    }
    var rolling = ScenarioLoader.load("rolling-restart-gateways");
    ScenarioLoader.checkAgainst(
        rolling, StackSpecLoader.parse("m.yaml", "gateway:\n  instances: 2\n"));
    // refused before anything runs: gw1 is not restarted only to find there is no gw2
    SpecException e =
        catchThrowableOfType(
            () -> ScenarioLoader.checkAgainst(rolling, StackSpec.defaults()), SpecException.class);
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("'gw2': this stack has one gateway, gw1 (gateway.instances: 1)");
  }

  @Test
  void everyProblemWithTheStackIsReportedAtOnce() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                ScenarioLoader.parse(
                    "mine.yaml",
                    "name: x\nmethod:\n  - action: crash_node\n    target: pg9\n"
                        + "  - action: crash_etcd_member\n    target: e9\n",
                    StackSpec.defaults()));
    assertThat(e.errors())
        .extracting(SpecError::field)
        .containsExactly("method.0.target", "method.1.target");
  }

  @Test
  void dryRunRefusesAnUnknownMemberNamingFileLineAndField() throws Exception {
    Path f = dir.resolve("seven.yaml");
    Files.writeString(f, "name: seven\nmethod:\n  - action: crash_node\n    target: pg7\n");
    CliRun r =
        CliRun.run(
            "chaos", "run", f.toString(), "--dry-run", "--state-dir", dir.resolve("s").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains(f + ":4:")
        .contains("method.0.target")
        .contains("'pg7': this stack has postgres nodes pg1, pg2, pg3");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void dryRunChecksMembersAgainstTheSpecGivenWithF() throws Exception {
    Path spec = dir.resolve("madbase.yaml");
    Files.writeString(spec, "gateway:\n  instances: 0\n");
    CliRun r =
        CliRun.run(
            "chaos",
            "sigterm-gateway",
            "--dry-run",
            "-f",
            spec.toString(),
            "--state-dir",
            dir.resolve("s").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err())
        .contains("chaos-scenarios/sigterm-gateway.yaml:")
        .contains("this stack has no gateways (gateway.instances: 0)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badScenarios")
  void aBadScenarioIsRefusedWithFileLineAndField(Bad bad) {
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> ScenarioLoader.parse("mine.yaml", bad.yaml()));
    assertThat(e).as("accepted: %s", bad.yaml()).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    SpecError err = e.errors().get(0);
    assertThat(err.file()).isEqualTo("mine.yaml");
    assertThat(err.line()).as("%s", err).isEqualTo(bad.line());
    assertThat(err.field()).isEqualTo(bad.field());
    assertThat(err.message()).contains(bad.messagePart());
  }

  @Test
  void chaosRunWithABadFileExitsTwoNamingFileLineAndField() throws Exception {
    Path f = dir.resolve("broken.yaml");
    Files.writeString(
        f,
        "name: broken\nmethod:\n  - action: crash_node\n    target: pg1\n  - action: sleep\n    duration: soon\n");
    CliRun r =
        CliRun.run("chaos", "run", f.toString(), "--state-dir", dir.resolve("none").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(f + ":6").contains("method.1.duration").doesNotContain("\tat ");
  }

  @Test
  void anUnknownScenarioNameListsTheBundledOnes() {
    CliRun r = CliRun.run("chaos", "run", "kill-everything", "--state-dir", dir.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("no scenario 'kill-everything'").contains("kill-primary");
  }

  @Test
  void chaosWithoutAStackExitsThree() {
    CliRun r =
        CliRun.run("chaos", "kill-primary", "--state-dir", dir.resolve("nothing").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("no stack in").contains("madbase up");
  }

  @Test
  void dryRunPrintsThePlanAndPredictedBoundsFromTheStacksSettings() throws Exception {
    Path spec = dir.resolve("madbase.yaml");
    Files.writeString(spec, "failover:\n  profile: patroni-defaults\n");
    CliRun r = dryRun("kill-primary", spec);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    // patroni-defaults: ttl 30, loop_wait 10 -> the key expires 20-30.5 s after a crash
    assertThat(r.out())
        .contains("crash_node target leader")
        .contains("leader key gone")
        .contains("20.0-30.5 s")
        .contains("dry run: nothing was done");
    assertThat(dir.resolve("madbase-reports")).doesNotExist();
  }

  static List<Bad> badPartitions() {
    String head = "name: p\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: partition\n";
    return List.of(
        new Bad(
            "from names no group or member",
            head + "    from: [etcd, the-cloud]\n",
            6,
            "method.0.from.1",
            "'the-cloud' is neither a group"),
        new Bad(
            "unknown direction",
            head + "    direction: sideways\n",
            6,
            "method.0.direction",
            "unknown direction 'sideways' (known: both, outgoing"),
        new Bad(
            "a partition forever",
            head + "    duration: 1h\n",
            6,
            "method.0.duration",
            "at most 10m"),
        new Bad(
            "from on another action",
            "name: p\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\n"
                + "    from: [etcd]\n",
            6,
            "method.0.from",
            "crash_node does not use 'from'"),
        new Bad(
            "a partition-only target on a crash",
            "name: p\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\n"
                + "    target: redis_master\n",
            6,
            "method.0.target",
            "only partition and throttle take the target redis_master"));
  }

  @Test
  void networkFaultsOneAfterAnotherLoadWhenTheFirstIsOverOrHealedOrNeitherHasADuration() {
    String head = "name: n\nprobes:\n  haproxy_writer: {}\nmethod:\n";
    for (String method :
        List.of(
            """
              - {action: partition, duration: 3s}
              - {action: sleep, duration: 2s}
              - {action: sleep, duration: 1s}
              - {action: throttle, rate: 1mbit, duration: 4s}
            """,
            """
              - {action: partition}
              - {action: heal}
              - {action: throttle, rate: 1mbit, duration: 4s}
            """,
            """
              - {action: throttle, rate: 1mbit}
              - {action: partition, from: [etcd]}
              - {action: sleep, duration: 5s}
              - {action: heal}
            """)) {
      assertThat(ScenarioLoader.parse("n.yaml", head + method).method()).isNotEmpty();
    }
    // the cap and cut the driver ITs run, with the steps they add
    ScenarioSpec capAndCut =
        ScenarioLoader.parse(
            "c.yaml",
            io.madbase.testing.ChaosReports.capAndCutLeader(
                "c", "[postgres]", "  - action: sleep\n    duration: 3s\n  - action: heal\n"));
    assertThat(capAndCut.method())
        .extracting(ScenarioSpec.Step::action)
        .containsExactly("throttle", "partition", "sleep", "heal");
  }

  static List<Bad> badThrottles() {
    String head = "name: t\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: throttle\n";
    String twoFaults = "name: t\nprobes:\n  haproxy_writer: {}\nmethod:\n";
    return List.of(
        new Bad(
            "a partition with a duration while a cap's duration runs",
            twoFaults
                + "  - {action: throttle, rate: 1mbit, duration: 4s}\n"
                + "  - {action: sleep, duration: 1s}\n"
                + "  - {action: partition, duration: 3s}\n",
            7,
            "method.2.duration",
            "method.0's throttle may still be in force here (its duration, 4s, is longer than"
                + " the sleeps since (1s)), and a duration heals every partition and bandwidth cap"),
        new Bad(
            "a cap with a duration while a partition with none is in force",
            twoFaults
                + "  - {action: partition}\n"
                + "  - {action: crash_node}\n"
                + "  - {action: throttle, rate: 1mbit, duration: 5s}\n",
            7,
            "method.2.duration",
            "method.0's partition may still be in force here (it has no duration and no heal"
                + " step came since)"),
        new Bad("no rate", head + "    target: leader\n", 5, "method.0", "throttle needs a rate"),
        new Bad(
            "a rate in no unit",
            head + "    rate: 64k\n",
            6,
            "method.0.rate",
            "'64k' is not a bandwidth: write it as 64kbit"),
        new Bad(
            "a rate too low to carry a connection's acknowledgements",
            head + "    rate: 1kbit\n",
            6,
            "method.0.rate",
            "must be from 8kbit"),
        new Bad(
            "to names no group or member",
            head + "    rate: 1mbit\n    to: [the-moon]\n",
            7,
            "method.0.to.0",
            "'the-moon' is neither a group"),
        new Bad(
            "a direction, which only a partition has",
            head + "    rate: 1mbit\n    direction: outgoing\n",
            7,
            "method.0.direction",
            "throttle does not use 'direction'"),
        new Bad(
            "a cap forever",
            head + "    rate: 1mbit\n    duration: 2h\n",
            7,
            "method.0.duration",
            "at most 10m"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badThrottles")
  void aBadThrottleStepIsRefusedWithLineAndField(Bad bad) {
    aBadPartitionStepIsRefusedWithLineAndField(bad);
  }

  @Test
  void bandwidthsReadAsTcWritesThemAndPrintBackTheSame() {
    assertThat(io.madbase.driver.BitRate.parse("32kbit").bitsPerSecond()).isEqualTo(32_000);
    assertThat(io.madbase.driver.BitRate.parse("1.5mbit").bitsPerSecond()).isEqualTo(1_500_000);
    assertThat(io.madbase.driver.BitRate.parse("10MBIT").tc()).isEqualTo("10000000bit");
    assertThat(io.madbase.driver.BitRate.parse("1.5mbit")).hasToString("1.5mbit");
    assertThat(io.madbase.driver.BitRate.parse("64kbit")).hasToString("64kbit");
    assertThat(io.madbase.driver.BitRate.parse("999bit")).hasToString("999bit");
    assertThatThrownBy(() -> io.madbase.driver.BitRate.parse("0kbit"))
        .hasMessageContaining("above zero");
    assertThatThrownBy(() -> io.madbase.driver.BitRate.parse("fast"))
        .hasMessageContaining("write it as 64kbit");
  }

  @Test
  void dryRunOfAThrottleNamesTheLinkItSlowsAndWhatASlowLinkPutsAtRisk() throws Exception {
    CliRun a = dryRunWithSynchronousMode("throttle-replication", "\"off\"");
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(a.out())
        .contains("throttle target leader to postgres at 32kbit")
        .contains("piles up as replication lag, and a failover before the replicas catch up")
        .contains("more than maximum_lag_on_failover (1048576 B) behind is not promoted");
    CliRun s = dryRunWithSynchronousMode("throttle-replication", "\"on\"");
    assertThat(s.out())
        .contains("PostgreSQL: none (synchronous_mode on: each commit waits until the synchronous");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPartitions")
  void aBadPartitionStepIsRefusedWithLineAndField(Bad bad) {
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> ScenarioLoader.parse("p.yaml", bad.yaml()));
    assertThat(e).as("no error for: %s", bad.yaml()).isNotNull();
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).field()).isEqualTo(bad.field());
    assertThat(e.errors().get(0).line()).isEqualTo(bad.line());
    assertThat(e.errors().get(0).message()).contains(bad.messagePart());
  }

  @Test
  void dryRunOfAPartitionSaysWhatItPutsAtRiskAndFollowsSynchronousMode() throws Exception {
    CliRun a = dryRunWithSynchronousMode("partition-primary", "\"off\"");
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(a.out())
        .contains("partition target leader from etcd, postgres for 30s")
        .contains("cut-off primary demotes itself             4.0-10.0 s")
        .contains("acknowledged writes at risk: PostgreSQL: every write the cut-off primary");
    CliRun s = dryRunWithSynchronousMode("partition-primary", "strict");
    assertThat(s.out())
        .contains("data safety: synchronous_mode strict")
        .contains("acknowledged writes at risk: PostgreSQL: none (synchronous_mode strict");
    Path minReplicas = dir.resolve("redis.yaml");
    Files.writeString(
        minReplicas, "redis:\n  min_replicas_to_write: 1\n  min_replicas_max_lag: 3s\n");
    CliRun r = dryRun("isolate-sentinel-master", minReplicas);
    assertThat(r.out())
        .contains("cut-off master refuses writes (NOREPLICAS) 2.0-5.0 s")
        .contains("up to min-replicas-max-lag (3 s) + 1 s after the cut");
  }

  @Test
  void listShowsEveryBundledScenario() {
    CliRun r = CliRun.run("chaos", "list");
    assertThat(r.exitCode()).isZero();
    for (String n : ScenarioLoader.bundled()) {
      assertThat(r.out()).contains(n);
    }
  }

  @Test
  void theSummaryEveryCommandListsIsTheFirstSentenceOfTheBoundDescription() {
    for (String name : ScenarioLoader.bundled()) {
      assertThat(ScenarioLoader.bundledSummary(name))
          .as(name)
          .isNotBlank()
          .isEqualTo(ScenarioLoader.firstSentence(ScenarioLoader.load(name).spec().description()));
    }
  }

  /** {@code madbase chaos <scenario> --dry-run} on the stack spec {@code spec}, no stack needed. */
  /**
   * A dry run on a stack whose madbase.yaml sets only postgres.synchronous_mode to {@code mode}.
   */
  private CliRun dryRunWithSynchronousMode(String scenario, String mode) throws Exception {
    Path spec = Files.createTempFile(dir, "sync-", ".yaml");
    Files.writeString(spec, "postgres:\n  synchronous_mode: " + mode + "\n");
    return dryRun(scenario, spec);
  }

  private CliRun dryRun(String scenario, Path spec) {
    return CliRun.run(
        "chaos",
        scenario,
        "--dry-run",
        "-f",
        spec.toString(),
        "--state-dir",
        dir.resolve("none").toString());
  }
}
