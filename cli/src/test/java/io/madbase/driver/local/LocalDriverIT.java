package io.madbase.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.ExitCode;
import io.madbase.common.Signal;
import io.madbase.driver.NodeInfo;
import io.madbase.driver.Progress;
import io.madbase.observe.StackObserver;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.testing.ChaosReports;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local driver against the real stack: etcd, Patroni + PostgreSQL 15, HAProxy, Redis and
 * Sentinel as native processes on 127.0.9.x. One stack for the class; each test starts from it
 * whole ({@link #whole()}), so one that fails leaves the next ones their stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalDriverIT {
  static final String SPEC =
      """
      name: drivertest
      local:
        subnet: 127.0.9
      gateway:
        instances: 0
      workers:
        count: 0
      """;

  static Path dir;
  static Path state;
  static Path specFile;

  /** Every PID the stack ever had, checked gone at the end. */
  static final List<Long> seenPids = new ArrayList<>();

  @BeforeAll
  static void up() {
    dir = TestStack.newDir("madbase-driver-it");
    state = dir.resolve(".madbase");
    specFile = TestStack.spec(dir, SPEC);
    CliRun r = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    rememberPids();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("is up in");
  }

  @AfterAll
  static void down() {
    try {
      rememberPids();
      CliRun r = CliRun.run("down", "--purge", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      List<Long> alive =
          seenPids.stream().filter(p -> io.madbase.common.Processes.running(p)).toList();
      assertThat(alive).as("processes left running after down").isEmpty();
      assertThat(state.resolve("stack.json")).doesNotExist();
      assertThat(state.resolve("pgdata")).doesNotExist();
    } finally {
      TestStack.deleteQuietly(dir);
    }
  }

  /**
   * Before each test: every member running and the stack healthy, whatever the test before did
   * ({@code up} starts only the members that are down, and changes nothing on a whole stack).
   */
  @BeforeEach
  void whole() {
    CliRun r = TestStack.whole(specFile, state);
    rememberPids();
    assertThat(r.exitCode()).as("the stack whole before the test:%n%s", r).isZero();
  }

  static void rememberPids() {
    seenPids.addAll(TestStack.pids(state));
  }

  @Test
  @Order(1)
  void statusJsonShowsOneLeaderTwoStreamingReplicasAndTheRedisSet() throws Exception {
    CliRun r = CliRun.run("status", "-o", "json", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode s = new ObjectMapper().readTree(r.out());
    assertThat(s.path("healthy").asBoolean()).isTrue();
    Map<String, List<JsonNode>> byKind = new java.util.HashMap<>();
    s.path("members")
        .forEach(
            m -> byKind.computeIfAbsent(m.path("kind").asText(), k -> new ArrayList<>()).add(m));
    assertThat(roles(byKind.get("postgres")))
        .containsExactlyInAnyOrder("leader", "replica", "replica");
    assertThat(
            byKind.get("postgres").stream()
                .filter(m -> m.path("role").asText().equals("replica"))
                .map(m -> m.path("state").asText()))
        .containsOnly("streaming");
    assertThat(roles(byKind.get("redis")))
        .containsExactlyInAnyOrder("master", "replica", "replica");
    assertThat(byKind.get("sentinel"))
        .hasSize(3)
        .allSatisfy(
            m ->
                assertThat(m.path("state").asText())
                    .contains("master r1")
                    .contains("2 other sentinels"));
    assertThat(roles(byKind.get("etcd")))
        .containsExactlyInAnyOrder("leader", "follower", "follower");
    assertThat(byKind.values().stream().flatMap(List::stream))
        .allSatisfy(m -> assertThat(m.path("pid").asLong()).isPositive());
    assertThat(byKind.get("postgres"))
        .extracting(m -> m.path("address").asText())
        .containsExactlyInAnyOrder("127.0.9.1", "127.0.9.2", "127.0.9.3");
  }

  @Test
  @Order(2)
  void secondUpChangesNothing() {
    Map<String, Long> before = pids();
    CliRun r = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("already running").contains("nothing changed");
    assertThat(pids()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void upWithADifferentSpecOnARunningStackIsRefused() {
    Path other =
        TestStack.spec(
            TestStack.newDir("madbase-other"), SPEC + "postgres:\n  max_connections: 250\n");
    CliRun r = CliRun.run("up", "-f", other.toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains("different spec").contains("madbase down");
    TestStack.deleteQuietly(other.getParent());
  }

  @Test
  @Order(4)
  void crashedLeaderNodeFailsOverThenRestartsAndRejoinsAsStreamingReplica() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      Member leader = obs.leader().orElseThrow();
      NodeInfo before =
          d.nodes().stream().filter(n -> n.name().equals(leader.name())).findFirst().orElseThrow();
      assertThat(before.childPids()).as("postmaster of %s", leader.name()).hasSize(1);
      long postmaster = before.childPids().get(0);

      d.faults().crash(leader.name());
      assertThat(java.util.Optional.of(before.pid()).filter(io.madbase.common.Processes::running))
          .as("patroni")
          .isEmpty();
      assertThat(java.util.Optional.of(postmaster).filter(io.madbase.common.Processes::running))
          .as("postmaster")
          .isEmpty();

      // a replica takes over once the leader key expires (ttl 10 s on the fast profile)
      org.awaitility.Awaitility.await("new leader")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> obs.leader().map(m -> !m.equals(leader)).orElse(false));
      Member newLeader = obs.leader().orElseThrow();

      d.start(leader.name(), Progress.NONE);
      d.awaitPostgresHealthy(Duration.ofSeconds(90), Progress.NONE);
      var state = obs.patroniNodes();
      assertThat(state.get(leader).orElseThrow().leader())
          .as("old leader is now a replica")
          .isFalse();
      assertThat(state.get(newLeader).orElseThrow().replication())
          .anySatisfy(
              rep -> {
                assertThat(rep.name()).isEqualTo(leader.name());
                assertThat(rep.state()).isEqualTo("streaming");
              });
      org.awaitility.Awaitility.await("HAProxy routes to the new leader")
          .atMost(Duration.ofSeconds(20))
          .until(() -> obs.haproxy(newLeader.name()).ok());
    }
  }

  @Test
  @Order(5)
  void killingOnlyPostgresLetsPatroniRestartItOnTheSameNode() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      Member replica =
          d.topology().of(Role.POSTGRES).stream()
              .filter(m -> !m.equals(d.observer().leader().orElseThrow()))
              .findFirst()
              .orElseThrow();
      long oldPostmaster = d.postmaster(replica.name()).orElseThrow().pid();
      d.faults().signalPostgres(replica.name(), Signal.KILL);
      org.awaitility.Awaitility.await("postgres restarted by Patroni")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  d.postmaster(replica.name())
                      .map(p -> p.alive() && p.pid() != oldPostmaster)
                      .orElse(false));
      d.awaitPostgresHealthy(Duration.ofSeconds(60), Progress.NONE);
    }
  }

  @Test
  @Order(6)
  void crashedRedisMasterIsReplacedBySentinelAndRejoinsAsReplica() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      d.faults().crash("r1");
      org.awaitility.Awaitility.await("sentinels elect a new master")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  obs.redis()
                      .sentinel("127.0.9.31", 26379, "mymaster")
                      .map(v -> !v.masterHost().equals("127.0.9.21"))
                      .orElse(false));
      d.start("r1", Progress.NONE);
      org.awaitility.Awaitility.await("the set is whole again, r1 a replica")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> obs.sentinels().ok());
      assertThat(
              obs.redis()
                  .node("127.0.9.21", 6379, d.secrets().redis().reveal())
                  .orElseThrow()
                  .master())
          .isFalse();
    }
  }

  @Test
  @Order(7)
  void upStartsAMemberThatIsDownAndLeavesTheRestAlone() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      d.faults().stop("s2", Duration.ofSeconds(10));
    }
    Map<String, Long> before = pids();
    CliRun r = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("(1 members started)");
    Map<String, Long> after = pids();
    assertThat(after.get("s2")).isNotEqualTo(before.get("s2"));
    before.remove("s2");
    after.remove("s2");
    assertThat(after).isEqualTo(before);
  }

  @Test
  @Order(8)
  void aTakenPortStopsUpBeforeAnythingStarts() throws Exception {
    Path other = TestStack.newDir("madbase-conflict");
    Path otherState = other.resolve(".madbase");
    Path spec =
        TestStack.spec(
            other,
            "name: conflict\nlocal:\n  subnet: 127.0.8\ngateway:\n  instances: 0\nworkers:\n  count: 0\n");
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.8.10", 5433));
      CliRun r = CliRun.run("up", "-f", spec.toString(), "--state-dir", otherState.toString());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
      assertThat(r.err())
          .contains("127.0.8.10:5433 is taken")
          .contains("needed by haproxy")
          .contains("nothing was started");
      assertThat(otherState.resolve("run")).doesNotExist();
      assertThat(otherState.resolve("stack.json")).doesNotExist();
      CliRun status = CliRun.run("status", "--state-dir", otherState.toString());
      assertThat(status.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
      assertThat(status.err()).contains("no stack in").contains("madbase up");
    } finally {
      TestStack.deleteQuietly(other);
    }
  }

  @Test
  @Order(9)
  void statusIsUnhealthyWhileAMemberIsDown() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      d.faults().stop("s3", Duration.ofSeconds(10));
      CliRun r = CliRun.run("status", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.CHECK_FAILED);
      assertThat(r.out())
          .contains("FAIL sentinel")
          .contains("s3 no answer")
          .contains("NOT healthy");
      d.start("s3", Progress.NONE);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.observer().sentinels().ok());
    }
  }

  @Test
  @Order(10)
  void predictionsFollowTheTimingPatroniRunsWithNotTheSpec() throws Exception {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      var leader = obs.patroni(obs.leader().orElseThrow());
      assertThat(
              io.madbase.chaos.EffectiveTiming.of(d.spec(), d.topology(), obs).note().isPresent())
          .as("Patroni %s runs with the rendered ttl", leader.dcsTiming())
          .isFalse();
      // what Patroni 4 does on its own with a ttl under 20, done here by hand: the DCS says 12
      assertThat(leader.patchConfig("{\"ttl\": 12}").ok()).isTrue();
      try {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> leader.dcsTiming().map(t -> t.ttl() == 12).orElse(false));
        var eff = io.madbase.chaos.EffectiveTiming.of(d.spec(), d.topology(), obs);
        assertThat(eff.spec().timing().patroni().ttl()).isEqualTo(12);
        assertThat(eff.note()).hasValueSatisfying(n -> assertThat(n).contains("ttl 12"));
        // this stack has no gateway: a crash probed through HAProxy (kill-primary's gateway probe
        // is refused on it, as a real run would refuse it)
        Path scenario = dir.resolve("crash-leader.yaml");
        Files.writeString(
            scenario,
            "name: crash-leader\nprobes:\n  haproxy_writer: {}\nmethod:\n  - action: crash_node\n");
        CliRun r =
            CliRun.run(
                "chaos", "run", scenario.toString(), "--dry-run", "--state-dir", state.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
            .contains("Patroni ttl 12 / loop_wait 2")
            .contains("leader key gone                            10.0-12.5 s")
            .contains("note: Patroni runs with ttl 12");
      } finally {
        assertThat(leader.patchConfig("{\"ttl\": 10}").ok()).isTrue();
      }
    }
  }

  @Test
  @Order(11)
  void aFrozenNodeStopsAsOneResumesAndDoesNotHoldUpDown() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      String replica =
          d.topology().of(io.madbase.stack.Role.POSTGRES).stream()
              .map(io.madbase.stack.Member::name)
              .filter(n -> !n.equals(obs.leader().orElseThrow().name()))
              .findFirst()
              .orElseThrow();
      List<Long> frozen = d.faults().freeze(replica).pids();
      try {
        assertThat(frozen).as("Patroni, the postmaster and its children").hasSizeGreaterThan(3);
        // a process in the middle of a system call (an fsync, say) stops when the call returns
        org.awaitility.Awaitility.await("every process of " + replica + " stopped")
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(50))
            .untilAsserted(
                () ->
                    assertThat(frozen.stream().filter(io.madbase.common.Processes::running))
                        .allMatch(LocalDriverIT::stopped));
      } finally {
        // never leave the node frozen for the tests after this one
        d.faults().thaw(replica);
      }
      org.awaitility.Awaitility.await("every process of " + replica + " running again")
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .untilAsserted(
              () ->
                  assertThat(frozen.stream().filter(io.madbase.common.Processes::running))
                      .noneMatch(LocalDriverIT::stopped));
      org.awaitility.Awaitility.await("streaming again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> obs.patroniCluster().ok());

      // frozen again, and the chaos run that froze it is gone: down must still stop everything
      d.faults().freeze(replica);
      rememberPids();
    }
    CliRun r = CliRun.run("down", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(seenPids.stream().filter(io.madbase.common.Processes::running)).isEmpty();
    // back up for the class's own down
    CliRun up = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    rememberPids();
    assertThat(up.exitCode()).as(up.toString()).isZero();
  }

  @Test
  @Order(12)
  void upAfterEtcdLostItsMajorityWaitsUntilAPrimaryIsBack() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      StackObserver obs = d.observer();
      d.faults().crash("e1");
      d.faults().crash("e2");
      // without failsafe mode the leader demotes itself once etcd stops answering
      org.awaitility.Awaitility.await("the leader demoted")
          .atMost(Duration.ofSeconds(20))
          .until(() -> !obs.patroniCluster().ok());
    }
    CliRun r = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    rememberPids();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("(2 members started)");
    CliRun status = CliRun.run("status", "--state-dir", state.toString());
    assertThat(status.exitCode()).as("healthy as soon as up returns:%n%s", status).isZero();
  }

  @Test
  @Order(13)
  void aPartitionAndABandwidthCapLeftByAKilledChaosRunAreReportedByDoctorAndRemovedByDown()
      throws Exception {
    Path scenario = dir.resolve("cut-leader.yaml");
    java.nio.file.Files.writeString(
        scenario,
        ChaosReports.capAndCutLeader(
            "cut-leader",
            "[etcd, postgres]",
            """
              - action: await_recovery
                timeout: 5m
            """));
    // a chaos run in a JVM of its own, killed with SIGKILL while its partition is in force: no
    // shutdown hook, no rollback
    Path out = dir.resolve("killed-run.log");
    Process run = ChaosReports.startRun(scenario, state, dir.resolve("reports"), out);
    try (LocalDriver d = LocalDriver.attach(state)) {
      org.awaitility.Awaitility.await("the run's partition in force")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  (d.partitions().exists() && !d.partitions().dropped().isEmpty())
                      || !run.isAlive());
      assertThat(d.partitions().dropped())
          .as("cap and partition made; the run said:%n%s", java.nio.file.Files.readString(out))
          .isNotEmpty();
      assertThat(d.partitions().shaping()).isTrue();
      assertThat(LocalFaults.loopback().installed()).isTrue();
      run.destroyForcibly();
      assertThat(run.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(d.faults().leftoverPartitions())
          .hasSize(2)
          .anySatisfy(l -> assertThat(l).contains(d.partitions().table()))
          .anySatisfy(l -> assertThat(l).contains("on lo: a bandwidth cap"));

      CliRun doctor =
          CliRun.run("doctor", "-f", specFile.toString(), "--state-dir", state.toString());
      // doctor's "this machine cannot run the stack yet": an environment problem, exit 3
      assertThat(doctor.exitCode())
          .as(doctor.toString())
          .isEqualTo(io.madbase.ExitCode.ENVIRONMENT);
      assertThat(doctor.out())
          .contains("nft table inet " + d.partitions().table())
          .contains("a chaos run left")
          .contains("on lo is a bandwidth cap a chaos run left");

      Path cgroups = d.cgroups().orElseThrow().stackDir();
      CliRun down = CliRun.run("down", "--state-dir", state.toString());
      rememberPids();
      assertThat(down.exitCode()).as(down.toString()).isZero();
      assertThat(down.toString())
          .contains(d.partitions().table() + " deleted")
          .contains("the bandwidth cap on lo removed");
      assertThat(d.partitions().exists()).isFalse();
      assertThat(LocalFaults.loopback().root()).startsWith("noqueue");
      assertThat(cgroups).as("the members' cgroups removed with the stack").doesNotExist();
    } finally {
      run.destroyForcibly();
    }
    // the class's last test: bring the stack back so that its @AfterAll checks a whole down
    CliRun up = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    rememberPids();
    assertThat(up.exitCode()).as(up.toString()).isZero();
  }

  @Test
  @Order(14)
  void everyMemberRunsInACgroupOfItsOwnAndPostgresChildrenInheritIt() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      Cgroups cg = d.cgroups().orElseThrow();
      for (NodeInfo n : d.nodes()) {
        assertThat(cg.pids(n.name())).as(n.name()).contains(n.pid());
        for (long child : n.childPids()) {
          assertThat(cg.pids(n.name())).as("%s's postmaster", n.name()).contains(child);
        }
      }
    }
  }

  /** State T in /proc: stopped by a signal. */
  static boolean stopped(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
    } catch (java.io.IOException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  private static Map<String, Long> pids() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      return d.nodes().stream().collect(Collectors.toMap(NodeInfo::name, NodeInfo::pid));
    }
  }

  private static List<String> roles(List<JsonNode> members) {
    return members.stream().map(m -> m.path("role").asText()).toList();
  }
}
