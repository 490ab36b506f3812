package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.madbase.driver.local.LocalDriver;
import io.madbase.testing.ChaosReports;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chaos scenarios against the real stack (etcd, Patroni, HAProxy, Redis + Sentinel, gateway,
 * workers) on 127.0.7.x, each asserting its verdict and what the report says.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
  static final String SPEC =
      """
      name: chaostest
      local:
        subnet: 127.0.7
      workers:
        count: 2
        discovery_interval: 5s
      """;

  static Path dir;
  static Path state;
  static Path specFile;
  static Path reports;
  static final List<Long> pids = new ArrayList<>();

  @BeforeAll
  static void up() {
    dir = TestStack.newDir("madbase-chaos-it");
    state = dir.resolve(".madbase");
    specFile = TestStack.spec(dir, SPEC);
    reports = dir.resolve("reports");
  }

  @AfterAll
  static void down() {
    try {
      remember();
      CliRun r = CliRun.run("down", "--purge", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(pids.stream().filter(p -> io.madbase.common.Processes.running(p)))
          .as("processes left after down")
          .isEmpty();
    } finally {
      TestStack.deleteQuietly(dir);
    }
  }

  static void remember() {
    pids.addAll(TestStack.pids(state));
  }

  /** {@code madbase chaos <scenario> [more...]} on the test stack, reports in {@link #reports}. */
  static CliRun chaos(String scenario, String... more) {
    List<String> args = new ArrayList<>(List.of("chaos", scenario));
    args.addAll(List.of(more));
    args.addAll(List.of("--state-dir", state.toString(), "--report-dir", reports.toString()));
    return CliRun.run(args.toArray(String[]::new));
  }

  /** {@code madbase chaos run <file>} on the test stack, reports in {@link #reports}. */
  static CliRun chaosRun(Path file) {
    return CliRun.run(
        "chaos",
        "run",
        file.toString(),
        "--state-dir",
        state.toString(),
        "--report-dir",
        reports.toString());
  }

  /** Runs a command, then reads the report.json it wrote (the newest run directory). */
  static JsonNode report(String scenarioName) throws IOException {
    return ChaosReports.newest(reports, scenarioName);
  }

  static Map<String, JsonNode> byId(JsonNode array, String key) {
    return ChaosReports.byId(array, key);
  }

  static void assertNoWriteLostButInTheReplicationWindow(CliRun r, JsonNode rep) {
    ChaosReports.assertNoWriteLostButInTheReplicationWindow(r, rep);
  }

  /** The gateway log's errors (with their stack traces) and database-error warnings. */
  static String gatewayErrors() {
    Path log = state.resolve("logs").resolve("gw1.log");
    try (Stream<String> lines = Files.lines(log)) {
      StringBuilder sb = new StringBuilder();
      boolean inError = false;
      for (String line : (Iterable<String>) lines::iterator) {
        boolean trace = line.startsWith("\t") || line.startsWith("Caused by:");
        inError = trace ? inError : line.contains(" ERROR ") || line.contains("database error");
        if (inError && sb.length() < 20_000) {
          sb.append(line).append('\n');
        }
      }
      return sb.toString();
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * What every test but the demo starts from, whatever ran before it and however it ended: the
   * stack up with every member running and healthy ({@code up} starts it when no earlier test did,
   * and only the members that are down when one left some down). A failed test so fails alone, not
   * every test after it.
   */
  static void whole() {
    CliRun r = TestStack.whole(specFile, state);
    remember();
    assertThat(r.exitCode()).as("the stack up and healthy before the test:%n%s", r).isZero();
  }

  static void assertHealthy() {
    CliRun s = CliRun.run("status", "--state-dir", state.toString());
    assertThat(s.exitCode()).as("stack left healthy:%n%s", s).isZero();
  }

  /** pg1's Patroni REST API, with the stack's credentials (for PATCH /config). */
  static io.madbase.observe.PatroniClient patroni() throws IOException {
    return new io.madbase.observe.PatroniClient(
        "127.0.7.1",
        8008,
        Duration.ofSeconds(2),
        io.madbase.stack.Secrets.load(state.resolve(io.madbase.stack.Secrets.FILE)).patroniApi());
  }

  /** {@link ChaosReports#withSynchronousMode} on the test stack. */
  static void withSynchronousMode(ChaosReports.Step run) throws IOException {
    ChaosReports.withSynchronousMode(ChaosIT::patroni, () -> LocalDriver.attach(state), run);
  }

  @Test
  @Order(1)
  void demoBringsTheStackUpAndSurvivesAKilledPrimaryWithoutFailingAWriteOrLosingOneAfterTheCrash()
      throws IOException {
    CliRun r =
        CliRun.run(
            "demo",
            "-f",
            specFile.toString(),
            "--state-dir",
            state.toString(),
            "--report-dir",
            reports.toString());
    remember();
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
    JsonNode rep = report("kill-primary");
    assertNoWriteLostButInTheReplicationWindow(r, rep);
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    // every phase from its own observation, in a plausible order
    for (String id :
        List.of(
            "leader_key_gone",
            "new_leader_key",
            "new_primary_writable",
            "haproxy_routes",
            "first_write_haproxy",
            "first_write_gateway")) {
      assertThat(phases.get(id).path("at_seconds").isNumber()).as(id).isTrue();
    }
    double keyGone = phases.get("leader_key_gone").path("at_seconds").asDouble();
    assertThat(keyGone).as("lease expiry on ttl 10 / loop_wait 2").isBetween(7.0, 12.0);
    assertThat(phases.get("new_leader_key").path("at_seconds").asDouble())
        .isGreaterThanOrEqualTo(keyGone);
    assertThat(phases.get("first_write_gateway").path("at_seconds").asDouble())
        .isGreaterThanOrEqualTo(phases.get("new_leader_key").path("at_seconds").asDouble());
    Map<String, JsonNode> probes = byId(rep.path("probes"), "probe");
    JsonNode gw = probes.get("gateway_writer");
    assertThat(gw.path("failed").asInt() + gw.path("unknown").asInt())
        .as("failed gateway writes")
        .isZero();
    assertThat(gw.path("held").asInt()).as("writes held through the failover").isPositive();
    assertThat(probes.get("haproxy_writer").path("failed").asInt())
        .as("direct clients do see the outage")
        .isPositive();
    assertHealthy();
  }

  @Test
  @Order(2)
  void aSwitchoverUnderLoadReportsWhatItCostsSecondBySecond() throws IOException {
    whole();
    CliRun r = chaos("switchover", "--load", "100", "--load-connections", "50");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("load: mix 9:1").contains("over 50 connections");
    JsonNode load = report("switchover").path("load");
    assertThat(load.path("counts").path("scheduled").asLong())
        .as("requests at 100/s for the whole run")
        .isGreaterThan(500);
    // a write in flight when Patroni shuts the old primary down (fast: sessions terminated) has
    // an unknown outcome, and the gateway says so (504 write_outcome_unknown) rather than retry
    // it; at 10 writes/s of ~1 ms each that is rare. Everything else is held and retried.
    JsonNode kinds = load.path("errors_by_kind");
    long unknown = kinds.path("http_504").asLong();
    assertThat(load.path("counts").path("errors").asLong() - unknown)
        .as(
            () ->
                String.format(
                    "the gateway holds load through a switchover (errors by kind: %s; the first of"
                        + " each: %s; what the gateway logged of them:%n%s)",
                    kinds, load.path("error_samples"), gatewayErrors()))
        .isZero();
    assertThat(unknown)
        .as("writes in flight at the old primary's shutdown, reported as of unknown outcome")
        .isLessThanOrEqualTo(2);
    assertThat(load.path("seconds").size()).isGreaterThan(5);
    assertThat(load.path("steady_p99_ms").asDouble()).isPositive();
    assertHealthy();
  }

  @Test
  @Order(3)
  void aCrashedRedisMasterIsReplacedAndNoAcknowledgedRedisWriteIsLostAfterTheCrash()
      throws IOException {
    whole();
    CliRun r = chaos("kill-sentinel-master");
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
    JsonNode rep = report("kill-sentinel-master");
    assertNoWriteLostButInTheReplicationWindow(r, rep);
    assertThat(byId(rep.path("phases"), "id").get("new_redis_master").path("at_seconds").asDouble())
        .isBetween(1.5, 8.0);
    JsonNode ledger = rep.path("ledger").get(0);
    assertThat(ledger.path("probe").asText()).isEqualTo("redis_writer");
    assertThat(byId(rep.path("probes"), "probe").get("gateway_reader").path("failed").asInt())
        .as("the gateway does not fail when Redis does")
        .isZero();
    assertHealthy();
  }

  @Test
  @Order(4)
  void sigtermedGatewayFinishesInFlightRequestsRefusesNewOnesAndExitsCleanly() throws IOException {
    whole();
    CliRun r = chaos("sigterm-gateway");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("sigterm-gateway");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double notReady = phases.get("not_ready").path("at_seconds").asDouble();
    double exited = phases.get("exited").path("at_seconds").asDouble();
    assertThat(notReady).isLessThan(exited);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("failed_in_flight_requests").path("measured").asText()).isEqualTo("0");
    assertThat(slos.get("clean_exit").path("passed").asBoolean()).isTrue();
    // calls that completed across the signal: in flight when it came, finished after it
    double faultAt = rep.path("faults").get(0).path("at_seconds").asDouble();
    long completedAcross = 0;
    for (JsonNode op : rep.path("operations")) {
      if (op.path("outcome").asText().equals("OK")
          && op.path("intended_nanos").asLong() / 1e9 < faultAt
          && op.path("end_nanos").asLong() / 1e9 > faultAt) {
        completedAcross++;
      }
    }
    assertThat(completedAcross).as("in-flight calls completed after SIGTERM").isPositive();
    assertHealthy();
  }

  @Test
  @Order(5)
  void anAddedWorkerIsRoutedToWithinTheDiscoveryInterval() throws IOException {
    whole();
    CliRun r = chaos("add-worker");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("add-worker");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double routed =
        phases.get("worker_routed").path("at_seconds").asDouble()
            - phases.get("worker_started").path("at_seconds").asDouble();
    assertThat(routed).as("within one 5 s discovery interval (+ margin)").isLessThan(7.0);
    String added = rep.path("faults").get(0).path("target").asText();
    long servedByNew = 0;
    for (JsonNode op : rep.path("operations")) {
      if (op.path("served_by").asText().equals(added)) {
        servedByNew++;
      }
    }
    assertThat(servedByNew).isPositive();
    // the rollback took it off again
    try (LocalDriver d = LocalDriver.attach(state)) {
      assertThat(d.nodes()).noneMatch(n -> n.name().equals(added) && n.alive());
    }
    assertHealthy();
  }

  @Test
  @Order(6)
  void aFrozenLeaderIsFailedOverResumedAndEveryLostWriteIsExplained() throws IOException {
    whole();
    CliRun r = chaos("freeze-primary");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
    JsonNode rep = report("freeze-primary");
    String frozen = rep.path("faults").get(0).path("target").asText();
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    for (String id : List.of("leader_key_gone", "new_leader_key", "node_resumed")) {
      assertThat(phases.get(id).path("at_seconds").isNumber()).as(id).isTrue();
    }
    assertThat(phases.get("leader_key_gone").path("at_seconds").asDouble())
        .as("the lease expires as after a crash")
        .isBetween(7.0, 12.0);
    assertThat(phases.get("node_resumed").path("at_seconds").asDouble())
        .as("resumed after the scenario's 35 s")
        .isBetween(35.0, 36.0);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("stale_route").path("passed").asBoolean())
        .as("HAProxy never sent writes to a node that was not the primary")
        .isTrue();
    int lost = 0;
    for (JsonNode l : rep.path("ledger")) {
      assertThat(l.path("present").asInt() + l.path("lost").asInt())
          .as("every acknowledged write of %s accounted for", l.path("probe").asText())
          .isEqualTo(l.path("acknowledged").asInt());
      lost += l.path("lost").asInt();
    }
    List<String> anomalies = new ArrayList<>();
    rep.path("anomalies").forEach(a -> anomalies.add(a.path("kind").asText()));
    if (anomalies.contains("leader_key_overwritten")) {
      // Patroni before 3.0.3 (Debian 12 ships 3.0.2), in some runs: the resumed leader writes its
      // key over the new leader's, which demotes, and what it committed is discarded
      assertThat(rep.path("anomalies").toString()).contains(frozen + " wrote the leader key over");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.out()).contains("verdict: FAIL");
    } else {
      assertThat(lost)
          .as("with no key overwritten only writes acknowledged as the node froze can be lost")
          .isLessThanOrEqualTo(2);
      assertThat(phases.get("rejoined").path("at_seconds").isNumber())
          .as("the old leader back as a replica")
          .isTrue();
    }
    assertThat(slos.get("lost_acknowledged_writes").path("passed").asBoolean())
        .isEqualTo(lost == 0);
    assertThat(TestStack.pids(state).stream().filter(ChaosIT::stopped))
        .as("no process of the stack left stopped (SIGSTOP)")
        .isEmpty();
    assertHealthy();
  }

  @Test
  @Order(7)
  void losingEtcdsMajorityStopsWritesUntilItIsBackUnlessFailsafeModeIsOn() throws IOException {
    whole();
    CliRun r = chaos("lose-etcd-quorum");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("lose-etcd-quorum");
    assertThat(rep.path("faults").get(0).path("target").asText().split(" ")).hasSize(2);
    assertThat(rep.path("faults").get(1).path("action").asText()).isEqualTo("restart_faulted");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    for (String id :
        List.of(
            "primary_demoted", "etcd_quorum_back", "primary_writable_again", "haproxy_routes")) {
      assertThat(phases.get(id).path("at_seconds").isNumber()).as(id).isTrue();
    }
    Map<String, JsonNode> probes = byId(rep.path("probes"), "probe");
    double offGap = probes.get("gateway_writer").path("unavailability_seconds").asDouble();
    assertThat(offGap)
        .as("failsafe_mode off: no writes from the demotion until etcd is back (10 s later)")
        .isGreaterThan(3.0);
    assertThat(probes.get("gateway_writer").path("failed").asInt()).isZero();
    rep.path("ledger").forEach(l -> assertThat(l.path("lost").asInt()).isZero());
    assertHealthy();

    // the same outage with Patroni's failsafe mode on (PATCH /config, as an operator would)
    var patroni = patroni();
    assertThat(patroni.patchConfig("{\"failsafe_mode\": true}").ok()).isTrue();
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> patroni.dcsTiming().map(t -> t.failsafeMode()).orElse(false));
      CliRun on = chaos("lose-etcd-quorum");
      remember();
      assertThat(on.exitCode()).as(on.toString()).isZero();
      assertThat(on.out()).contains("failsafe_mode on (its GET /config)");
      JsonNode fs = report("lose-etcd-quorum");
      assertThat(byId(fs.path("phases"), "id")).doesNotContainKey("primary_demoted");
      double onGap =
          byId(fs.path("probes"), "probe")
              .get("gateway_writer")
              .path("unavailability_seconds")
              .asDouble();
      assertThat(onGap)
          .as("failsafe_mode on: the leader stays primary (off: %.2f s without writes)", offGap)
          .isLessThan(2.0);
    } finally {
      assertThat(patroni.patchConfig("{\"failsafe_mode\": false}").ok()).isTrue();
    }
    assertHealthy();
  }

  /**
   * Issue 12's case: 500 req/s over 1000 connections (9 reads to 1 write) through a crashed
   * primary. Writes are held until the new primary answers; reads keep flowing from the replicas,
   * every second from the crash to recovery (p99 under 500 ms, at least 95 % of them completed); no
   * request fails but a write in flight at the crash, reported as of unknown outcome.
   */
  @Test
  @Order(8)
  void aCrashedPrimaryUnderFiveHundredRequestsASecondKeepsReadsFlowingAndFailsNoWrite()
      throws IOException {
    whole();
    // a gateway JVM warms up under the load before the crash: 20 s of it (the default 10 s left
    // a gateway a test had just started short of 95 % of its reads in one second)
    CliRun r =
        chaos(
            "kill-primary", "--load", "500", "--load-connections", "1000", "--load-warmup", "20s");
    remember();
    JsonNode rep = report("kill-primary");
    assertNoWriteLostButInTheReplicationWindow(r, rep);
    JsonNode reads = byId(rep.path("slos"), "name").get("load_reads_during_failover");
    assertThat(reads.path("passed").asBoolean())
        .as("reads through the failover: %s", reads.path("measured").asText())
        .isTrue();
    JsonNode load = rep.path("load");
    assertThat(load.path("connections_held").path("held").asBoolean())
        .as("1000 connections held")
        .isTrue();
    JsonNode kinds = load.path("errors_by_kind");
    long unknown = kinds.path("http_504").asLong();
    assertThat(load.path("counts").path("errors").asLong() - unknown)
        .as("failed requests but writes of unknown outcome (%s; %s)", kinds, gatewayErrors())
        .isZero();
    assertThat(unknown).as("writes in flight at the crash").isLessThanOrEqualTo(1);
    assertHealthy();
  }

  /**
   * partition-primary judged by the ledger: with asynchronous replication the cut-off leader
   * acknowledges writes until it demotes itself, and every one of them is lost when it rejoins;
   * with synchronous_mode on (PATCH /config, authenticated) none is.
   */
  @Test
  @Order(9)
  void aCutOffLeaderLosesWhatItAcknowledgedUntilItDemotedUnlessReplicationIsSynchronous()
      throws IOException {
    whole();
    CliRun r = chaos("partition-primary");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
    JsonNode rep = report("partition-primary");
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double demoted = phases.get("primary_demoted").path("at_seconds").asDouble();
    assertThat(demoted).as("the cut-off primary demotes itself").isBetween(1.0, 15.0);
    assertThat(phases.get("new_leader_key").path("at_seconds").asDouble()).isGreaterThan(demoted);
    int lost = ChaosReports.lostAckedBetween(rep, -0.5, demoted + 0.5, "by the cut-off primary");
    assertThat(lost).as("async: the cut-off primary's acknowledged writes are lost").isPositive();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(rep.path("notes").toString()).contains("acknowledged writes at risk in partition");
    assertThat(rep.path("stack").path("data_safety").path("synchronous_mode").asText())
        .isEqualTo("off");
    assertHealthy();

    withSynchronousMode(
        () -> {
          CliRun sync = chaos("partition-primary");
          remember();
          JsonNode s = report("partition-primary");
          assertThat(s.path("stack").path("data_safety").path("synchronous_mode").asText())
              .isEqualTo("on");
          assertThat(sync.out()).contains("synchronous_mode on");
          ChaosReports.assertNothingLost(s, sync);
          assertThat(s.path("recovered").asBoolean()).as(sync.toString()).isTrue();
        });
    assertHealthy();
  }

  /**
   * isolate-sentinel-master judged by the ledger: the cut-off master goes on acknowledging the
   * writes of a client still connected to it, and after the heal it rejoins as a replica: every
   * write it acknowledged after the cut is gone, and none acknowledged before it.
   */
  @Test
  @Order(10)
  void aCutOffRedisMasterLosesEveryWriteItAcknowledgedAfterTheCut() throws IOException {
    whole();
    CliRun r = chaos("isolate-sentinel-master");
    remember();
    ChaosReports.assertCutOffRedisMasterLostWhatItTookAfterTheCut(
        r, report("isolate-sentinel-master"));
    assertHealthy();
  }

  /**
   * kill-etcd-member: the raft leader among three etcd members crashes; the other two elect a new
   * one and Patroni keeps its key: no failover, no failed gateway write, nothing lost.
   */
  @Test
  @Order(11)
  void aCrashedEtcdLeaderIsReplacedByTheOtherTwoWithoutAFailover() throws IOException {
    whole();
    CliRun r = chaos("kill-etcd-member");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("kill-etcd-member");
    assertThat(rep.path("faults").get(0).path("target").asText()).matches("e[1-3]");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    assertThat(phases.get("etcd_leader").path("at_seconds").asDouble())
        .as("a new raft leader among the two left (election timeout 1 s here)")
        .isBetween(0.0, 5.0);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("leader_changes").path("measured").asText()).isEqualTo("0");
    assertThat(byId(rep.path("probes"), "probe").get("gateway_writer").path("failed").asInt())
        .isZero();
    ChaosReports.assertNothingLost(rep, r);
    assertHealthy();
  }

  /**
   * kill-postgres: SIGKILL to the leader's postmaster only. Patroni, alive, restarts it on the same
   * node after crash recovery: the same leader before and after, and every acknowledged write is
   * there (they were fsynced before they were acknowledged).
   */
  @Test
  @Order(12)
  void aKilledPostmasterIsRestartedByPatroniOnTheSameNodeAndLosesNothing() throws IOException {
    whole();
    CliRun r = chaos("kill-postgres");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("kill-postgres");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double restarted = phases.get("postgres_restarted").path("at_seconds").asDouble();
    assertThat(restarted).as("within a Patroni loop or two of the kill").isBetween(0.0, 10.0);
    assertThat(phases.get("primary_writable_again").path("at_seconds").asDouble())
        .isGreaterThanOrEqualTo(restarted);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("leader_changes").path("measured").asText()).isEqualTo("0");
    assertThat(slos.get("split_brain").path("passed").asBoolean()).isTrue();
    ChaosReports.assertNothingLost(rep, r);
    assertHealthy();
  }

  /**
   * sigterm-primary: a clean stop of the leader's Patroni releases the key at once, so the failover
   * does not wait out the 10 s lease a crash waits for.
   */
  @Test
  @Order(13)
  void aStoppedLeaderReleasesItsKeyAtOnceAndAReplicaTakesOverSoonerThanAfterACrash()
      throws IOException {
    whole();
    CliRun r = chaos("sigterm-primary");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("sigterm-primary");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double keyGone = phases.get("leader_key_gone").path("at_seconds").asDouble();
    assertThat(keyGone).as("released, not expired (ttl 10)").isBetween(0.0, 6.0);
    assertThat(phases.get("new_leader_key").path("at_seconds").asDouble())
        .isGreaterThanOrEqualTo(keyGone);
    assertThat(byId(rep.path("probes"), "probe").get("gateway_writer").path("failed").asInt())
        .isZero();
    ChaosReports.assertNothingLost(rep, r);
    assertHealthy();
  }

  /**
   * sigterm-worker: a worker given SIGTERM finishes its calls and exits 0, and the gateway sends
   * the next calls to the other worker.
   */
  @Test
  @Order(14)
  void aSigtermedWorkerExitsCleanlyAndItsCallsGoToTheOtherWorker() throws IOException {
    whole();
    CliRun r = chaos("sigterm-worker");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("sigterm-worker");
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double exited = phases.get("exited").path("at_seconds").asDouble();
    assertThat(phases.get("served_elsewhere").path("at_seconds").isNumber()).isTrue();
    assertThat(exited).as("a worker with nothing long in flight exits at once").isBetween(0.0, 5.0);
    assertThat(byId(rep.path("slos"), "name").get("clean_exit").path("passed").asBoolean())
        .isTrue();
    JsonNode caller = byId(rep.path("probes"), "probe").get("function_caller");
    assertThat(caller.path("failed").asInt()).isZero();
    // phases are timed from the fault, operations from the start of the run
    double exitedInRun = rep.path("faults").get(0).path("at_seconds").asDouble() + exited;
    long byOther = 0;
    for (JsonNode op : rep.path("operations")) {
      if (op.path("served_by").asText().equals("w2")
          && op.path("intended_nanos").asLong() / 1e9 > exitedInRun) {
        byOther++;
      }
    }
    assertThat(byOther).as("calls served by w2 after w1 exited").isPositive();
    assertHealthy();
  }

  /**
   * partition-primary-from-dcs with failsafe_mode off (Patroni's default): the leader loses etcd
   * only, demotes itself after retry_timeout, and a replica takes over. Its replicas still stream
   * from it, so what it acknowledged while it held its key is kept. It may outlive its key, though:
   * in a CI run it demoted 0.9 s after the key expired, and the 8 writes per probe it acknowledged
   * in between were lost. When the ledger finds a loss, the run fails on it, and every lost write
   * was acknowledged in that window, never before the key went.
   */
  @Test
  @Order(14)
  void aLeaderCutOffFromEtcdOnlyDemotesItselfAndLosesOnlyWhatItTookAfterItsKeyExpired()
      throws IOException {
    whole();
    CliRun r = chaos("partition-primary-from-dcs");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 1);
    JsonNode rep = report("partition-primary-from-dcs");
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double keyGone = phases.get("leader_key_gone").path("at_seconds").asDouble();
    double demoted = phases.get("primary_demoted").path("at_seconds").asDouble();
    assertThat(demoted).as("after retry_timeout without etcd").isBetween(1.0, 15.0);
    assertThat(phases.get("new_leader_key").path("at_seconds").asDouble()).isGreaterThan(demoted);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("split_brain").path("passed").asBoolean()).isTrue();
    int lost = 0;
    for (JsonNode l : rep.path("ledger")) {
      assertThat(l.path("acknowledged").asInt()).isPositive();
      lost += l.path("lost").asInt();
      l.path("lost_acked_at_seconds")
          .forEach(
              at ->
                  assertThat(at.asDouble())
                      .as(
                          "lost by %s: acknowledged after the key expired, before the demotion%n%s",
                          l.path("probe"), r)
                      .isBetween(keyGone - 0.5, demoted + 0.5));
    }
    assertThat(r.exitCode()).as("the verdict follows the ledger").isEqualTo(lost == 0 ? 0 : 1);
    assertHealthy();
  }

  /**
   * partition-etcd-leader: the raft leader among the etcd members is cut off from the other two;
   * they elect one of their own, and the Patroni leader keeps its key through it.
   */
  @Test
  @Order(16)
  void aCutOffEtcdLeaderIsReplacedByTheOtherTwoAndPatroniKeepsItsLeader() throws IOException {
    whole();
    CliRun r = chaos("partition-etcd-leader");
    remember();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode rep = report("partition-etcd-leader");
    String cut = rep.path("faults").get(0).path("target").asText();
    assertThat(cut).matches("e[1-3]");
    assertThat(byId(rep.path("phases"), "id").get("etcd_leader").path("at_seconds").asDouble())
        .as("a new raft leader among the two left")
        .isBetween(0.0, 10.0);
    Map<String, JsonNode> slos = byId(rep.path("slos"), "name");
    assertThat(slos.get("leader_changes").path("measured").asText()).isEqualTo("0");
    ChaosReports.assertNothingLost(rep, r);
    assertHealthy();
  }

  /** State T in /proc: stopped by a signal. */
  static boolean stopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
    } catch (IOException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  /**
   * throttle-replication judged by the ledger and the timeline: with the leader's replication link
   * capped, the replicas fall behind (the timeline says by how much), and the crash then loses what
   * the leader acknowledged and they had not received, all of it acknowledged after the cap went on
   * and before the crash; with synchronous_mode on the same run loses nothing. Either way the cap
   * is gone from lo and from nft afterwards. How much WAL the probes' writes make in 20 s varies
   * (checkpoints, hint bits): the loss is judged with a maximum_lag_on_failover far above it, and
   * {@link #replicasTooFarBehindAreNotPromotedAndTheReportSaysWhy} runs below it.
   */
  @Test
  @Order(17)
  void
      aSlowReplicationLinkLetsTheReplicasFallBehindSoACrashedLeaderLosesWhatTheyLackedUnlessSynchronous()
          throws IOException {
    whole();
    ChaosReports.withPatroniConfig(
        ChaosIT::patroni,
        ChaosReports.PROMOTE_ANY_LAG,
        ChaosReports.DEFAULT_LAG,
        () -> {
          CliRun r = chaos("throttle-replication");
          remember();
          ChaosReports.assertSlowLinkLosses(
              r,
              report("throttle-replication"),
              "HTB qdisc on lo",
              "the bandwidth cap on lo removed");
        });
    assertNoCapLeft();
    assertHealthy();

    withSynchronousMode(
        () -> {
          CliRun sync = chaos("throttle-replication");
          remember();
          JsonNode s = report("throttle-replication");
          assertThat(sync.out()).contains("synchronous_mode on");
          assertThat(s.path("recovered").asBoolean()).as(sync.toString()).isTrue();
          ChaosReports.assertNothingLost(s, sync);
        });
    assertNoCapLeft();
    assertHealthy();
  }

  /**
   * The same slow link with maximum_lag_on_failover at 16 KiB, less than the replicas fall behind:
   * Patroni promotes neither, so no failover comes and nothing is lost; the watcher says why, the
   * report's note explains it, and the rollback's restart of the crashed leader brings the cluster
   * back (it is the one node with every write).
   */
  @Test
  @Order(18)
  void replicasTooFarBehindAreNotPromotedAndTheReportSaysWhy() throws IOException {
    whole();
    Path file = dir.resolve("throttle-replication-short-wait.yaml");
    String bundled =
        Files.readString(Path.of("..", "chaos-scenarios", "throttle-replication.yaml"));
    assertThat(bundled).contains("timeout: 90s");
    Files.writeString(file, bundled.replace("timeout: 90s", "timeout: 15s"));
    ChaosReports.withPatroniConfig(
        ChaosIT::patroni,
        "{\"maximum_lag_on_failover\": 16384}",
        ChaosReports.DEFAULT_LAG,
        () -> {
          CliRun r = chaosRun(file);
          remember();
          JsonNode rep = report("throttle-replication");
          assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
          assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isFalse();
          JsonNode refused = null;
          for (JsonNode e : rep.path("events")) {
            if (e.path("kind").asText().equals("no_promotable_replica")) {
              refused = e;
            }
          }
          assertThat(refused).as("the watcher saw why no replica was promoted%n%s", r).isNotNull();
          assertThat(refused.path("detail").asText())
              .contains("maximum_lag_on_failover (16384 B)")
              .contains("Patroni promotes none of them");
          assertThat(r.err()).contains("no promotable replica");
          assertThat(rep.path("notes").toString())
              .contains("no failover: every replica is further behind");
          JsonNode newLeader =
              byId(rep.path("phases"), "id").get("new_leader_key").path("at_seconds");
          assertThat(newLeader.isNull() || newLeader.isMissingNode())
              .as("no replica took the leader key: %s", newLeader)
              .isTrue();
          assertThat(rep.path("ledger")).isNotEmpty();
          rep.path("ledger")
              .forEach(l -> assertThat(l.path("lost").asInt()).as(l.toString()).isZero());
        });
    assertNoCapLeft();
    assertHealthy();
  }

  /** Neither the nft table that marks what a cap slows nor the qdisc on lo outlives a run. */
  static void assertNoCapLeft() {
    try (LocalDriver d = LocalDriver.attach(state)) {
      assertThat(d.faults().leftoverPartitions()).isEmpty();
    }
  }
}
