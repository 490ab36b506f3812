package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.stack.StackSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Phases, anomalies and probe figures from observations given at known times. */
class TimelineAnalysisTest {
  static long s(double seconds) {
    return (long) (seconds * 1e9);
  }

  EventLog events = new EventLog(new RunClock());
  OpLog ops = new OpLog();

  void ev(double at, String source, String kind, String subject, String detail) {
    events.record(new Event(s(at), source, kind, subject, detail));
  }

  void op(String probe, long seq, double intended, double end, Op.Outcome outcome, int retries) {
    ops.add(
        new Op(
            probe,
            seq,
            s(intended),
            s(end),
            outcome,
            outcome == Op.Outcome.OK ? "" : "connect_failed",
            "",
            retries,
            ""));
  }

  Map<String, Optional<Long>> phases(Expectations.Fault f, String... probes) {
    Observed o = new Observed(events, ops, f.nanos());
    return Expectations.phases(f, StackSpec.defaults(), new LinkedHashSet<>(List.of(probes)))
        .stream()
        .collect(Collectors.toMap(PhaseSpec::id, p -> p.find().apply(o)));
  }

  @Test
  void aCrashFailoverIsReadFromEtcdPatroniHaproxyAndTheProbes() {
    double fault = 5;
    ev(fault, "madbase", Event.FAULT, "pg1", "crash");
    // a write that completed just after the fault on the old primary is not "the first write"
    op("gateway_writer", 1, 4.9, 5.01, Op.Outcome.OK, 0);
    ev(fault + 9.4, "etcd", Event.LEADER_KEY_DELETED, "", "");
    ev(fault + 9.5, "etcd", Event.LEADER_KEY_SET, "pg2", "created");
    ev(fault + 9.6, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    ev(fault + 10.1, "haproxy", Event.HAPROXY_PRIMARY, "", "pg2");
    op("haproxy_writer", 2, fault + 10.1, fault + 10.15, Op.Outcome.OK, 0);
    op("gateway_writer", 2, fault + 1, fault + 10.3, Op.Outcome.OK, 12);

    var f = new Expectations.Fault(Action.CRASH_NODE, "pg1", "pg1", "r1", s(fault));
    Map<String, Optional<Long>> p = phases(f, "gateway_writer", "haproxy_writer");
    assertThat(p.get("leader_key_gone")).contains(s(fault + 9.4));
    assertThat(p.get("new_leader_key")).contains(s(fault + 9.5));
    assertThat(p.get("new_primary_writable")).contains(s(fault + 9.6));
    assertThat(p.get("haproxy_routes")).contains(s(fault + 10.1));
    assertThat(p.get("first_write_haproxy")).contains(s(fault + 10.15));
    assertThat(p.get("first_write_gateway")).contains(s(fault + 10.3));
  }

  Map<String, Optional<Long>> phases(Expectations.Fault f, StackSpec spec, String... probes) {
    Observed o = new Observed(events, ops, f.nanos());
    return Expectations.phases(f, spec, new LinkedHashSet<>(List.of(probes))).stream()
        .collect(Collectors.toMap(PhaseSpec::id, p -> p.find().apply(o)));
  }

  @Test
  void losingEtcdsMajorityDemotesTheLeaderAndItsReturnBringsAPrimaryBack() {
    double fault = 3;
    ev(fault, "madbase", Event.FAULT, "e1 e2", "SIGKILL of 2 etcd members");
    ev(fault + 0.2, "etcd", Event.ETCD_NO_LEADER, "", "");
    ev(fault + 5.4, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");
    ev(fault + 5.6, "haproxy", Event.HAPROXY_PRIMARY, "", "");
    var crash =
        new Expectations.Fault(Action.CRASH_ETCD_MEMBER, "e1 e2", "pg1", "r1", s(fault))
            .withEtcdDown(2);
    Map<String, Optional<Long>> p = phases(crash, "gateway_writer");
    assertThat(p).containsOnlyKeys("etcd_no_leader", "primary_demoted", "haproxy_no_primary");
    assertThat(p.get("primary_demoted")).contains(s(fault + 5.4));
    assertThat(p.get("haproxy_no_primary")).contains(s(fault + 5.6));

    double restart = fault + 10;
    ev(restart, "madbase", Event.FAULT, "e1 e2", "restart of e1 e2");
    ev(restart + 1.6, "etcd", Event.ETCD_LEADER, "e2", "");
    ev(restart + 1.8, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(restart + 2.4, "haproxy", Event.HAPROXY_PRIMARY, "", "pg1");
    // held through the outage, served once a primary is back
    op("gateway_writer", 7, fault + 6, restart + 2.5, Op.Outcome.OK, 9);
    var back =
        new Expectations.Fault(Action.RESTART_FAULTED, "e1 e2", "pg1", "r1", s(restart))
            .withEtcdDown(2);
    p = phases(back, "gateway_writer");
    assertThat(p.get("etcd_quorum_back")).contains(s(restart + 1.6));
    assertThat(p.get("primary_writable_again")).contains(s(restart + 1.8));
    assertThat(p.get("haproxy_routes")).contains(s(restart + 2.4));
    assertThat(p.get("first_write_gateway")).contains(s(restart + 2.5));
  }

  @Test
  void withFailsafeModeLosingEtcdsMajorityExpectsWritesToGoOn() {
    StackSpec failsafe = StackSpec.defaults().withFailsafeMode(true);
    var crash =
        new Expectations.Fault(Action.CRASH_ETCD_MEMBER, "e1 e2", "pg1", "r1", s(1))
            .withEtcdDown(2);
    Map<String, Optional<Long>> p = phases(crash, failsafe, "gateway_writer");
    assertThat(p).containsOnlyKeys("etcd_no_leader", "first_write_gateway");
    var back =
        new Expectations.Fault(Action.RESTART_FAULTED, "e1 e2", "pg1", "r1", s(9)).withEtcdDown(2);
    assertThat(phases(back, failsafe, "gateway_writer")).containsOnlyKeys("etcd_quorum_back");
    // one member of three down is no loss of quorum: the old expectations hold
    var one =
        new Expectations.Fault(Action.CRASH_ETCD_MEMBER, "e1", "pg1", "r1", s(1)).withEtcdDown(1);
    assertThat(phases(one, "gateway_writer")).containsKeys("member_down", "etcd_leader");
  }

  @Test
  void aCrashedNodeRestartedMidMethodIsExpectedBackAsAReplica() {
    double restart = 20;
    ev(restart + 0.5, "patroni", Event.PATRONI_ROLE, "pg1", "replica/starting");
    ev(restart + 4.2, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");
    var f = new Expectations.Fault(Action.RESTART_FAULTED, "pg1", "pg2", "r1", s(restart));
    Map<String, Optional<Long>> p = phases(f, "gateway_writer");
    assertThat(p).containsOnlyKeys("rejoined_pg1");
    assertThat(p.get("rejoined_pg1")).contains(s(restart + 4.2));
  }

  @Test
  void theCrashPredictionFollowsTheLeaseArithmetic() {
    var f = new Expectations.Fault(Action.CRASH_NODE, "pg1", "pg1", "r1", 0);
    PhaseSpec keyGone =
        Expectations.phases(f, StackSpec.defaults(), new LinkedHashSet<>()).stream()
            .filter(p -> p.id().equals("leader_key_gone"))
            .findFirst()
            .orElseThrow();
    // fast profile: ttl 10, loop_wait 2
    assertThat(keyGone.predicted().min()).isEqualTo(8.0);
    assertThat(keyGone.predicted().max()).isEqualTo(10.5);
    assertThat(keyGone.required()).isTrue();
  }

  @Test
  void noNewLeaderMeansTheFailoverPhasesAreMissing() {
    ev(1, "madbase", Event.FAULT, "pg1", "crash");
    ev(9, "etcd", Event.LEADER_KEY_DELETED, "", "");
    var f = new Expectations.Fault(Action.CRASH_NODE, "pg1", "pg1", "r1", s(1));
    Map<String, Optional<Long>> p = phases(f, "haproxy_writer");
    assertThat(p.get("leader_key_gone")).isPresent();
    assertThat(p.get("new_leader_key")).isEmpty();
    assertThat(p.get("first_write_haproxy")).isEmpty();
  }

  @Test
  void aDemotedNodeStillRoutedToIsAStaleRoute() {
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg2", "replica/running");
    ev(0.0, "haproxy", Event.HAPROXY_PRIMARY, "", "pg1");
    // switchover: pg1 demoted, pg2 promoted; HAProxy keeps sending writes to pg1 for 1.2 s
    ev(2.0, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");
    ev(2.1, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    ev(3.3, "haproxy", Event.HAPROXY_PRIMARY, "", "pg2");
    List<RunResult.Anomaly> a = Anomalies.inEvents(events, s(1.0));
    assertThat(a)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind()).isEqualTo("stale_route");
              assertThat(x.atSeconds()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(0.01));
              assertThat(x.detail()).contains("pg1").contains("1.20 s");
            });
  }

  @Test
  void pollingSkewBetweenWatchersIsNotAStaleRoute() {
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg2", "replica/running");
    ev(0.0, "haproxy", Event.HAPROXY_PRIMARY, "", "pg1");
    ev(2.00, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");
    ev(2.01, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    ev(2.05, "haproxy", Event.HAPROXY_PRIMARY, "", "pg2");
    // and a promotion seen by HAProxy 20 ms before the Patroni poll: no other primary then
    ev(5.00, "patroni", Event.PATRONI_ROLE, "pg2", "unreachable");
    ev(5.10, "haproxy", Event.HAPROXY_PRIMARY, "", "pg1");
    ev(5.12, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    assertThat(Anomalies.inEvents(events, 0)).isEmpty();
  }

  @Test
  void theLiveDetectorReportsAStaleRouteOnceItOutlastsTheSkew() {
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(0.0, "patroni", Event.PATRONI_ROLE, "pg2", "replica/running");
    ev(0.0, "haproxy", Event.HAPROXY_PRIMARY, "", "pg1");
    ev(2.0, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");
    ev(2.1, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    try (StaleRouteWatcher w = new StaleRouteWatcher(events)) {
      w.poll();
      assertThat(events.all()).noneMatch(e -> e.kind().equals(Event.STALE_ROUTE));
      ev(2.5, "haproxy", Event.HAPROXY_REPLICAS, "", "pg2");
      w.poll();
      w.poll();
      assertThat(events.all())
          .filteredOn(e -> e.kind().equals(Event.STALE_ROUTE))
          .singleElement()
          .satisfies(e -> assertThat(e.subject()).isEqualTo("pg1"));
    }
  }

  @Test
  void twoRunningPrimariesAreASplitBrain() {
    ev(4.0, "patroni", Event.SPLIT_BRAIN, "pg1,pg2", "two nodes report a running primary");
    assertThat(Anomalies.inEvents(events, s(1)))
        .extracting(RunResult.Anomaly::kind)
        .containsExactly("split_brain");
  }

  @Test
  void aSplitBrainIsReportedWithHowLongItLasted() {
    ev(4.0, "patroni", Event.SPLIT_BRAIN, "pg1,pg2", "two nodes report a running primary");
    ev(4.15, "patroni", Event.SPLIT_BRAIN_END, "pg2", "one primary again");
    assertThat(Anomalies.inEvents(events, s(1)))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.kind()).isEqualTo("split_brain");
              assertThat(a.atSeconds()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));
              assertThat(a.detail()).contains("for 0.15 s");
            });
  }

  @Test
  void aLeaderKeyWrittenOverAnothersIsReportedAndCountsAsSplitBrainNotStaleRoute() {
    ev(1.0, "madbase", Event.FAULT, "pg1", "frozen for 35s");
    ev(10.4, "etcd", Event.LEADER_KEY_SET, "pg2", "created");
    ev(36.0, "etcd", Event.LEADER_KEY_SET, "pg1", Event.OVERWRITTEN_FROM + "pg2");
    List<RunResult.Anomaly> a = Anomalies.inEvents(events, s(1));
    assertThat(a)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind()).isEqualTo("leader_key_overwritten");
              assertThat(x.atSeconds()).isCloseTo(35.0, org.assertj.core.data.Offset.offset(0.01));
              assertThat(x.detail()).contains("pg1 wrote the leader key over pg2's");
            });
  }

  @Test
  void aLongFreezeOfTheLeaderExpectsAFailoverThenTheOldLeaderDemotedAndBackAsAReplica() {
    double fault = 2;
    ev(0.5, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(fault, "madbase", Event.FAULT, "pg1", "frozen for 35s");
    ev(fault + 0.4, "patroni", Event.PATRONI_ROLE, "pg1", "unreachable");
    ev(fault + 8.3, "etcd", Event.LEADER_KEY_DELETED, "", "");
    ev(fault + 10.4, "etcd", Event.LEADER_KEY_SET, "pg2", "created");
    ev(fault + 10.6, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    ev(fault + 10.8, "haproxy", Event.HAPROXY_PRIMARY, "", "pg2");
    ev(fault + 35.0, "madbase", Event.THAWED, "pg1", "resumed (SIGCONT)");
    ev(fault + 35.06, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(fault + 35.2, "patroni", Event.PATRONI_ROLE, "pg1", "primary/stopping");
    ev(fault + 37.1, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");

    var f =
        new Expectations.Fault(Action.FREEZE_NODE, "pg1", "pg1", "r1", s(fault))
            .withDuration(java.time.Duration.ofSeconds(35));
    List<PhaseSpec> specs =
        Expectations.phases(f, StackSpec.defaults(), new LinkedHashSet<>(List.of()));
    assertThat(specs).allMatch(PhaseSpec::required);
    Map<String, Optional<Long>> p = phases(f);
    assertThat(p.get("leader_key_gone")).contains(s(fault + 8.3));
    assertThat(p.get("new_leader_key")).contains(s(fault + 10.4));
    assertThat(p.get("haproxy_routes")).contains(s(fault + 10.8));
    assertThat(p.get("node_resumed")).contains(s(fault + 35.0));
    assertThat(p.get("old_primary_demoting"))
        .as("the running-primary state just after the resume is not the demotion")
        .contains(s(fault + 35.2));
    assertThat(p.get("rejoined")).contains(s(fault + 37.1));
    PhaseSpec newKey =
        specs.stream().filter(x -> x.id().equals("new_leader_key")).findFirst().orElseThrow();
    assertThat(newKey.predicted().contains(10.4))
        .as("the election's wait for the frozen member is in the bound")
        .isTrue();
  }

  @Test
  void aShortFreezeOfTheLeaderExpectsNoFailoverButWritesAfterTheResume() {
    ev(0.5, "patroni", Event.PATRONI_ROLE, "pg1", "primary/running");
    ev(1.0, "madbase", Event.FAULT, "pg1", "frozen for 3s");
    ev(4.0, "madbase", Event.THAWED, "pg1", "resumed (SIGCONT)");
    op("haproxy_writer", 9, 3.9, 5.5, Op.Outcome.OK, 0);
    var f =
        new Expectations.Fault(Action.FREEZE_NODE, "pg1", "pg1", "r1", s(1))
            .withDuration(java.time.Duration.ofSeconds(3));
    List<PhaseSpec> specs =
        Expectations.phases(
            f, StackSpec.defaults(), new LinkedHashSet<>(List.of("haproxy_writer")));
    assertThat(specs)
        .extracting(PhaseSpec::id)
        .doesNotContain("new_leader_key")
        .contains("node_resumed", "back_in_cluster", "first_write_haproxy");
    Map<String, Optional<Long>> p = phases(f, "haproxy_writer");
    assertThat(p.get("back_in_cluster"))
        .as("never seen unreachable: running again at the resume itself")
        .contains(s(4.0));
    assertThat(p.get("first_write_haproxy")).contains(s(5.5));
  }

  @Test
  void aFreezeAboutAsLongAsTheLeaseMakesTheFailoverPhasesOptional() {
    var f =
        new Expectations.Fault(Action.FREEZE_NODE, "pg1", "pg1", "r1", 0)
            .withDuration(java.time.Duration.ofSeconds(9));
    List<PhaseSpec> specs =
        Expectations.phases(f, StackSpec.defaults(), new LinkedHashSet<>(List.of()));
    assertThat(specs)
        .filteredOn(x -> x.id().equals("new_leader_key"))
        .singleElement()
        .satisfies(x -> assertThat(x.required()).isFalse());
    assertThat(specs)
        .filteredOn(x -> x.id().equals("node_resumed"))
        .singleElement()
        .satisfies(x -> assertThat(x.required()).isTrue());
  }

  @Test
  void theLongestGapIsBetweenSuccessesAndHeldRequestsAreCounted() {
    op("gateway_writer", 1, 0.0, 0.01, Op.Outcome.OK, 0);
    op("gateway_writer", 2, 0.1, 0.11, Op.Outcome.OK, 0);
    op("gateway_writer", 3, 0.2, 9.5, Op.Outcome.OK, 30); // held through the failover
    op("gateway_writer", 4, 0.3, 9.6, Op.Outcome.OK, 29);
    op("gateway_writer", 5, 0.4, 2.4, Op.Outcome.FAILED, 0);
    op("gateway_writer", 6, 0.5, 3.0, Op.Outcome.UNKNOWN, 0);
    RunResult.ProbeSummary sum = ProbeSummaries.summary("gateway_writer", ops.of("gateway_writer"));
    assertThat(sum.ok()).isEqualTo(4);
    assertThat(sum.failed()).isEqualTo(1);
    assertThat(sum.unknown()).isEqualTo(1);
    assertThat(sum.held()).isEqualTo(2);
    assertThat(sum.unavailabilitySeconds())
        .isCloseTo(9.39, org.assertj.core.data.Offset.offset(0.001));
    // latency runs from the intended start: the held write took 9.3 s, not the time it spent on the
    // wire
    assertThat(sum.maxMs()).isCloseTo(9300, org.assertj.core.data.Offset.offset(10.0));
  }

  static Op write(long seq, double endSeconds) {
    return new Op(
        "gateway_writer",
        seq,
        s(endSeconds) - s(0.002),
        s(endSeconds),
        Op.Outcome.OK,
        null,
        null,
        0,
        null);
  }

  @Test
  void aLostWriteIsReportedWithWhenItWasAcknowledgedAndExplainedWhenJustBeforeTheCrash() {
    List<Op> ops = List.of(write(1, 2.0), write(2, 9.996), write(3, 12.0));
    RunResult.LedgerCheck l =
        LedgerVerifier.check(
            "gateway_writer", "PostgreSQL primary", ops, s(10), java.util.Set.of(1L, 3L));
    assertThat(l.lost()).isEqualTo(1);
    assertThat(l.lostSeqs()).containsExactly(2L);
    assertThat(l.lostAckedAtSeconds().get(0))
        .isCloseTo(-0.004, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(RunAnalysis.lostInTheReplicationWindow(l))
        .hasValueSatisfying(
            n ->
                assertThat(n)
                    .startsWith(
                        "gateway_writer: the 1 lost write was acknowledged within 4 ms of the fault")
                    .contains("asynchronous"));

    RunResult.LedgerCheck afterTheFault =
        LedgerVerifier.check(
            "gateway_writer", "PostgreSQL primary", ops, s(10), java.util.Set.of(1L, 2L));
    assertThat(afterTheFault.lostAckedAtSeconds()).containsExactly(2.0);
    assertThat(RunAnalysis.lostInTheReplicationWindow(afterTheFault))
        .as("a write acknowledged after the fault and lost is no replication window: no excuse")
        .isEmpty();
    List<Op> answeredAfterTheKill = List.of(write(1, 2.0), write(2, 10.003), write(3, 12.0));
    assertThat(
            RunAnalysis.lostInTheReplicationWindow(
                LedgerVerifier.check(
                    "gateway_writer",
                    "PostgreSQL primary",
                    answeredAfterTheKill,
                    s(10),
                    java.util.Set.of(1L, 3L))))
        .as("a commit's answer may arrive just after the kill")
        .hasValueSatisfying(n -> assertThat(n).contains("within 3 ms of the fault"));
    RunResult.LedgerCheck longBefore =
        LedgerVerifier.check(
            "gateway_writer", "PostgreSQL primary", ops, s(10), java.util.Set.of(2L, 3L));
    assertThat(RunAnalysis.lostInTheReplicationWindow(longBefore)).isEmpty();
  }

  static Expectations.Fault partition(
      String target, double at, List<String> from, java.time.Duration d) {
    return new Expectations.Fault(
        Action.PARTITION,
        target,
        "pg1",
        "r1",
        s(at),
        d,
        0,
        false,
        new Expectations.Fault.Cut(from, "both"));
  }

  @Test
  void aLeaderCutOffFromEtcdAndItsPeersDemotesIsReplacedAndRejoinsAfterTheHeal() {
    double fault = 2;
    ev(fault, "madbase", Event.FAULT, "pg1", "cut off from e1 e2 e3 pg2 pg3");
    op("haproxy_writer", 1, fault + 5, fault + 5.01, Op.Outcome.OK, 0); // on the cut-off primary
    ev(fault + 7.3, "patroni", Event.PATRONI_ROLE, "pg1", "primary/stopping");
    ev(fault + 9.6, "etcd", Event.LEADER_KEY_DELETED, "", "");
    ev(fault + 11.8, "etcd", Event.LEADER_KEY_SET, "pg2", "created");
    ev(fault + 12.1, "patroni", Event.PATRONI_ROLE, "pg2", "primary/running");
    ev(fault + 12.9, "haproxy", Event.HAPROXY_PRIMARY, "", "pg2");
    op("haproxy_writer", 2, fault + 12.9, fault + 13.0, Op.Outcome.OK, 0);
    ev(fault + 30, "madbase", Event.HEALED, "", "healed after 30s");
    ev(fault + 36.6, "patroni", Event.PATRONI_ROLE, "pg1", "replica/running");

    var f = partition("pg1", fault, List.of("etcd", "postgres"), java.time.Duration.ofSeconds(30));
    var specs =
        Expectations.phases(
            f, StackSpec.defaults(), new LinkedHashSet<>(List.of("haproxy_writer")));
    Map<String, Optional<Long>> p = phases(f, "haproxy_writer");
    assertThat(p.get("primary_demoted")).contains(s(fault + 7.3));
    assertThat(p.get("leader_key_gone")).contains(s(fault + 9.6));
    assertThat(p.get("new_leader_key")).contains(s(fault + 11.8));
    assertThat(p.get("first_write_haproxy"))
        .as("the write on the cut-off primary before the new key is not the first one after")
        .contains(s(fault + 13.0));
    assertThat(p.get("rejoined")).contains(s(fault + 36.6));
    // the peers cannot ask the cut-off node for its WAL position: the election waits for it
    assertThat(
            specs.stream()
                .filter(x -> x.id().equals("new_leader_key"))
                .findFirst()
                .orElseThrow()
                .predicted()
                .max())
        .isEqualTo(14.5);
  }

  @Test
  void failsafeModeKeepsALeaderCutOffFromEtcdOnlyPrimaryAndPredictsNoLoss() {
    StackSpec failsafe = StackSpec.defaults().withFailsafeMode(true);
    var fromDcs = partition("leader", 0, List.of("etcd"), java.time.Duration.ofSeconds(30));
    var ids =
        Expectations.phases(fromDcs, failsafe, new LinkedHashSet<>(List.of("gateway_writer")))
            .stream()
            .map(PhaseSpec::id)
            .toList();
    assertThat(ids)
        .doesNotContain("primary_demoted", "new_leader_key")
        .contains("first_write_gateway");
    assertThat(Expectations.writesAtRisk(fromDcs, failsafe))
        .hasValueSatisfying(r -> assertThat(r).startsWith("PostgreSQL: none (failsafe_mode"));
    // cut from its peers too, failsafe mode cannot keep it: it demotes
    var fromAll = partition("leader", 0, List.of("etcd", "postgres"), null);
    assertThat(
            Expectations.phases(fromAll, failsafe, new LinkedHashSet<>(List.of("gateway_writer")))
                .stream()
                .map(PhaseSpec::id))
        .contains("primary_demoted", "new_leader_key");
    assertThat(Expectations.writesAtRisk(fromAll, StackSpec.defaults()))
        .hasValueSatisfying(r -> assertThat(r).contains("every write the cut-off primary"));
  }

  @Test
  void aRedisMasterThatRefusesWithoutReplicasIsLeftAfterMaxLagAndTheClientMoves() {
    StackSpec spec =
        StackSpec.defaults()
            .withRedis(new StackSpec.Redis(null, null, null, 1, java.time.Duration.ofSeconds(3)));
    double fault = 1;
    ev(fault, "madbase", Event.FAULT, "r1", "cut off");
    ops.add(
        new Op("redis_writer", 1, s(fault + 1), s(fault + 1.01), Op.Outcome.OK, "", "", 0, "r1"));
    ev(fault + 3.5, "sentinel", Event.SENTINEL_MASTER, "s1", "r2");
    ops.add(
        new Op(
            "redis_writer",
            2,
            s(fault + 3.6),
            s(fault + 3.61),
            Op.Outcome.FAILED,
            "redis_error",
            "NOREPLICAS Not enough good replicas to write.",
            0,
            "r1"));
    ops.add(
        new Op("redis_writer", 3, s(fault + 3.7), s(fault + 3.75), Op.Outcome.OK, "", "", 0, "r2"));
    var f =
        new Expectations.Fault(
            Action.PARTITION,
            "r1",
            "pg1",
            "r1",
            s(fault),
            java.time.Duration.ofSeconds(30),
            0,
            false,
            new Expectations.Fault.Cut(List.of("redis", "sentinels"), null));
    Map<String, Optional<Long>> p = phases(f, spec, "redis_writer");
    assertThat(p.get("new_redis_master")).contains(s(fault + 3.5));
    assertThat(p.get("old_master_refuses")).contains(s(fault + 3.61));
    assertThat(p.get("first_redis_write")).contains(s(fault + 3.75));
    assertThat(Expectations.writesAtRisk(f, spec))
        .hasValueSatisfying(r -> assertThat(r).contains("min-replicas-max-lag (3 s)"));
  }

  @Test
  void aCutOffNodesDemotionIsTakenFromItsOwnLogAtTheTimeItLogged() {
    RunClock clock = new RunClock();
    java.time.LocalDateTime at =
        java.time.LocalDateTime.ofInstant(
            clock.wallOrigin().plusMillis(7_250), java.time.ZoneId.systemDefault());
    String stamp =
        at.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"));
    var e =
        MemberLogs.first(
            clock,
            "pg1",
            List.of(
                stamp + " INFO: no action. I am (pg1), the leader with the lock",
                "a line without a time: Demoting self",
                stamp + " INFO: Demoting self (offline)"),
            MemberLogs.DEMOTION);
    assertThat(e)
        .hasValueSatisfying(
            x -> {
              assertThat(x.detail()).isEqualTo("Demoting self (offline)");
              assertThat(RunClock.seconds(x.nanos()))
                  .isCloseTo(7.25, org.assertj.core.data.Offset.offset(0.002));
            });
  }

  @Test
  void withStrictSynchronousModeTheFirstWritesWaitForAStandbyOnTheNewPrimary() {
    var f = partition("pg1", 0, List.of("etcd", "postgres"), null);
    StackSpec strict =
        StackSpec.defaults()
            .withPostgres(
                new StackSpec.Postgres(
                    null,
                    null,
                    null,
                    null,
                    null,
                    io.madbase.stack.SynchronousMode.STRICT,
                    null,
                    null));
    double on =
        Expectations.phases(f, StackSpec.defaults(), new LinkedHashSet<>(List.of("gateway_writer")))
            .stream()
            .filter(p -> p.id().equals("first_write_gateway"))
            .findFirst()
            .orElseThrow()
            .predicted()
            .max();
    double strictMax =
        Expectations.phases(f, strict, new LinkedHashSet<>(List.of("gateway_writer"))).stream()
            .filter(p -> p.id().equals("first_write_gateway"))
            .findFirst()
            .orElseThrow()
            .predicted()
            .max();
    assertThat(strictMax).isEqualTo(on + 2 + 4);
  }

  @Test
  void aReplicasLagIsReportedAtSteppedDistancesFourTimesApart() {
    assertThat(PatroniWatcher.lagStep(0)).isZero();
    assertThat(PatroniWatcher.lagStep(64 * 1024 - 1)).isZero();
    assertThat(PatroniWatcher.lagStep(64 * 1024)).isEqualTo(1);
    assertThat(PatroniWatcher.lagStep(256 * 1024 - 1)).isEqualTo(1);
    assertThat(PatroniWatcher.lagStep(256 * 1024)).isEqualTo(2);
    assertThat(PatroniWatcher.lagStep(1024 * 1024)).isEqualTo(3);
    assertThat(PatroniWatcher.lagStep(Long.MAX_VALUE)).isEqualTo(20);
  }

  @Test
  void aLagHoveringAtAStepsEdgeStaysOnItsStepUntilItHalves() {
    assertThat(PatroniWatcher.nextLagStep(0, 66_672)).isEqualTo(1);
    assertThat(PatroniWatcher.nextLagStep(1, 53_512)).as("just under 64 KiB").isEqualTo(1);
    assertThat(PatroniWatcher.nextLagStep(1, 32 * 1024)).isEqualTo(1);
    assertThat(PatroniWatcher.nextLagStep(1, 32 * 1024 - 1)).as("caught up").isZero();
    assertThat(PatroniWatcher.nextLagStep(1, 300_000)).as("up at once").isEqualTo(2);
    assertThat(PatroniWatcher.nextLagStep(3, 600 * 1024)).as("over half of 1 MiB").isEqualTo(3);
    assertThat(PatroniWatcher.nextLagStep(3, 100 * 1024))
        .as("under half: to its own step")
        .isEqualTo(1);
    assertThat(PatroniWatcher.nextLagStep(3, 0)).isZero();
  }
}
