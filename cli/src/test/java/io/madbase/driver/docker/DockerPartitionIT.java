package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.madbase.stack.Member;
import io.madbase.testing.ChaosReports;
import io.madbase.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Network partitions on the docker driver, judged by the ledger as on the local driver (ChaosIT):
 * iptables rules in the cut-off member's network namespace, made from the host. A stack of its own
 * (ports from 16500), removed by its labels when the class ends, whatever happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerPartitionIT {
  static final String SPEC =
      """
      name: dockerpart
      driver: docker
      docker:
        host_port_base: 16500
      workers:
        count: 1
      """;

  static DockerTestStack stack;

  @BeforeAll
  static void up() {
    stack = DockerTestStack.up("docker-part-it", SPEC);
  }

  /** Last: whatever the class left is removed, and reported (the last test takes it down). */
  @AfterAll
  static void down() {
    stack.close();
  }

  static DockerDriver attach() {
    return stack.attach();
  }

  static void awaitHealthy() {
    stack.awaitHealthy(Duration.ofSeconds(150));
  }

  static CliRun chaos(String scenario) {
    return stack.chaos(scenario);
  }

  /**
   * partition-primary: the leader's container cut off from etcd and the other postgres containers
   * while HAProxy (a container not cut off) and madbase's probes still reach it. With asynchronous
   * replication what it acknowledged until it demoted itself is lost; with synchronous_mode on,
   * nothing is.
   */
  @Test
  @Order(1)
  void aCutOffLeaderContainerLosesWhatItAcknowledgedUntilItDemotedUnlessReplicationIsSynchronous()
      throws IOException {
    awaitHealthy();
    CliRun r = chaos("partition-primary");
    JsonNode rep = ChaosReports.newest(stack.reports, "partition-primary");
    assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.out() + rep.toString()).contains("MADBASE-PART");
    Map<String, JsonNode> phases = ChaosReports.byId(rep.path("phases"), "id");
    double demoted = phases.get("primary_demoted").path("at_seconds").asDouble();
    assertThat(demoted).as("the cut-off primary demotes itself%n%s", r).isBetween(1.0, 15.0);
    assertThat(phases.get("new_leader_key").path("at_seconds").asDouble()).isGreaterThan(demoted);
    int lost = ChaosReports.lostAckedBetween(rep, -0.5, demoted + 0.5, "by the cut-off primary");
    assertThat(lost)
        .as("async: the cut-off primary's acknowledged writes are lost%n%s", r)
        .isPositive();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(rep.path("stack").path("data_safety").path("synchronous_mode").asText())
        .isEqualTo("off");

    awaitHealthy();
    try (DockerDriver d = attach()) {
      assertThat(d.faults().leftoverPartitions()).as("healed after 30 s").isEmpty();
    }
    ChaosReports.withSynchronousMode(
        DockerPartitionIT::leaderApi,
        DockerPartitionIT::attach,
        () -> {
          CliRun sync = chaos("partition-primary");
          JsonNode s = ChaosReports.newest(stack.reports, "partition-primary");
          assertThat(s.path("stack").path("data_safety").path("synchronous_mode").asText())
              .isEqualTo("on");
          ChaosReports.assertNothingLost(s, sync);
          assertThat(s.path("recovered").asBoolean()).as(sync.toString()).isTrue();
        });
  }

  /** The Patroni REST API of the leader, once the stack is healthy (after a run's rollback). */
  private static io.madbase.observe.PatroniClient leaderApi() {
    awaitHealthy();
    try (DockerDriver d = attach()) {
      Member leader = d.observer().leader().orElseThrow();
      return d.observer().patroni(leader);
    }
  }

  /**
   * isolate-sentinel-master: the Redis master's container cut off from its replicas and the
   * Sentinels while madbase's writer, connected through the published port, keeps writing to it:
   * after the heal it rejoins as a replica and every write it acknowledged after the cut is gone.
   */
  @Test
  @Order(2)
  void aCutOffRedisMasterContainerLosesEveryWriteItAcknowledgedAfterTheCut() throws IOException {
    awaitHealthy();
    CliRun r = chaos("isolate-sentinel-master");
    JsonNode rep = ChaosReports.newest(stack.reports, "isolate-sentinel-master");
    assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
    assertThat(
            ChaosReports.byId(rep.path("phases"), "id")
                .get("new_redis_master")
                .path("at_seconds")
                .asDouble())
        .as("the Sentinels promote a replica while the master is cut off")
        .isLessThan(30.0);
    ChaosReports.assertCutOffRedisMasterLostWhatItTookAfterTheCut(r, rep);
  }

  /**
   * throttle-replication on containers: the cap is a qdisc on the leader container's own interface,
   * and the run is judged as on the local driver (ChaosIT): the replicas fall behind, the crash
   * loses what they lacked, all of it acknowledged while the link was slow; the cap goes with the
   * heal. maximum_lag_on_failover is raised for the run so that a replica is promoted however much
   * WAL the writes made (ChaosIT covers the refusal below it).
   */
  @Test
  @Order(3)
  void aSlowReplicationLinkBetweenContainersLetsACrashedLeaderLoseWhatTheReplicasLacked()
      throws IOException {
    awaitHealthy();
    ChaosReports.withPatroniConfig(
        DockerPartitionIT::leaderApi,
        ChaosReports.PROMOTE_ANY_LAG,
        ChaosReports.DEFAULT_LAG,
        () -> {
          CliRun r = chaos("throttle-replication");
          JsonNode rep = ChaosReports.newest(stack.reports, "throttle-replication");
          assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
          // the crash took the leader container's namespace, and its cap, with it: the heal finds
          // none
          ChaosReports.assertSlowLinkLosses(r, rep, "'s eth0", "healed by the rollback");
        });
    try (DockerDriver d = attach()) {
      assertThat(d.faults().leftoverPartitions()).isEmpty();
    }
  }

  /**
   * A chaos run killed with SIGKILL while its partition and bandwidth cap are in force (no shutdown
   * hook, no rollback) leaves the chain in the leader's container: doctor reports it, down removes
   * it before it stops anything. Last: it takes the stack down.
   */
  @Test
  @Order(4)
  void aPartitionAndACapLeftByAKilledChaosRunAreReportedByDoctorAndRemovedByDown()
      throws Exception {
    awaitHealthy();
    Path scenario = stack.dir.resolve("cut-leader.yaml");
    Files.writeString(
        scenario,
        ChaosReports.capAndCutLeader(
            "cut-leader",
            "[etcd, postgres]",
            """
              - action: await_recovery
                timeout: 5m
            """));
    Path out = stack.dir.resolve("killed-run.log");
    Process run = ChaosReports.startRun(scenario, stack.state, stack.dir.resolve("reports"), out);
    try (DockerDriver d = attach()) {
      String leader = d.observer().leader().orElseThrow().name();
      Awaitility.await("the run's partition in force")
          .atMost(Duration.ofSeconds(90))
          .until(() -> d.faults().leftoverPartitions().size() == 2 || !run.isAlive());
      run.destroyForcibly();
      assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(d.faults().leftoverPartitions())
          .as("the run said:%n%s", Files.readString(out))
          .hasSize(2)
          .anySatisfy(
              l -> assertThat(l).contains("MADBASE-PART").contains(leader + "'s network namespace"))
          .anySatisfy(
              l -> assertThat(l).contains("HTB qdisc").contains("on " + leader + "'s eth0"));

      CliRun doctor =
          CliRun.run(
              "doctor", "-f", stack.specFile.toString(), "--state-dir", stack.state.toString());
      assertThat(doctor.exitCode())
          .as(doctor.toString())
          .isEqualTo(io.madbase.ExitCode.ENVIRONMENT);
      assertThat(doctor.out())
          .contains("iptables chain MADBASE-PART in " + leader + "'s network namespace")
          .contains("a chaos run was killed")
          .contains("fix: madbase down --state-dir");

      CliRun down = CliRun.run("down", "--purge", "--state-dir", stack.state.toString());
      assertThat(down.exitCode()).as(down.toString()).isZero();
      assertThat(down.toString())
          .contains("MADBASE-PART removed from " + leader)
          .contains("the bandwidth cap on " + leader + "'s eth0 removed");
    } finally {
      run.destroyForcibly();
    }
  }
}
