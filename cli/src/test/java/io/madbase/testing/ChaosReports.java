package io.madbase.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reading and judging the reports chaos runs write, for the tests that run scenarios. */
public final class ChaosReports {
  private ChaosReports() {}

  /** The report.json of the newest run of {@code scenarioName} in {@code reports}. */
  public static JsonNode newest(Path reports, String scenarioName) throws IOException {
    try (Stream<Path> s = Files.list(reports)) {
      Path newest =
          s.filter(p -> p.getFileName().toString().startsWith(scenarioName + "-"))
              .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
              .orElseThrow();
      assertThat(newest.resolve("report.html")).exists();
      assertThat(newest.resolve("report.md")).exists();
      assertThat(newest.resolve("junit.xml")).exists();
      return new ObjectMapper().readTree(newest.resolve("report.json").toFile());
    }
  }

  /** A step of a test: a chaos run and the checks of its report. */
  public interface Step {
    void run() throws IOException;
  }

  /** Where a test finds a Patroni REST API to change the cluster's dynamic configuration. */
  public interface PatroniApi {
    io.madbase.observe.PatroniClient get() throws IOException;
  }

  /**
   * A maximum_lag_on_failover far above what the probes write in a run (64 MiB): with it a replica
   * behind a slow link is always promoted, and the ledger counts what it lacked.
   */
  public static final String PROMOTE_ANY_LAG = "{\"maximum_lag_on_failover\": 67108864}";

  /** The maximum_lag_on_failover madbase renders by default (1 MiB). */
  public static final String DEFAULT_LAG = "{\"maximum_lag_on_failover\": 1048576}";

  /**
   * Runs {@code step} with Patroni's dynamic configuration patched by {@code json} ({@code PATCH
   * /config}; every node takes it within a loop_wait), and patches {@code restore} back however the
   * step ends, through a node {@code api} finds then.
   */
  public static void withPatroniConfig(PatroniApi api, String json, String restore, Step step)
      throws IOException {
    assertThat(api.get().patchConfig(json).ok()).as("PATCH /config %s", json).isTrue();
    try {
      step.run();
    } finally {
      assertThat(api.get().patchConfig(restore).ok()).as("PATCH /config %s", restore).isTrue();
    }
  }

  /**
   * Runs {@code step} with Patroni's synchronous_mode on (PATCH /config, then a synchronous standby
   * awaited on the stack {@code attach} opens), and turns it off again however {@code step} ends.
   */
  public static void withSynchronousMode(
      PatroniApi api,
      java.util.function.Supplier<? extends io.madbase.driver.StackLifecycle> attach,
      Step step)
      throws IOException {
    withPatroniConfig(
        api,
        "{\"synchronous_mode\": true}",
        "{\"synchronous_mode\": false}",
        () -> {
          try (io.madbase.driver.StackLifecycle d = attach.get()) {
            awaitSynchronousStandby(d);
          }
          step.run();
        });
  }

  /**
   * A scenario named {@code name} that caps the leader's link at 1mbit, cuts the leader off from
   * {@code from} (neither with a duration: the run keeps both until a heal or its end), then goes
   * on with {@code then}: more method steps, each line indented as a step (" - action: ...").
   */
  public static String capAndCutLeader(String name, String from, String then) {
    return """
        name: %s
        probes:
          haproxy_writer: {interval: 200ms}
        method:
          - action: throttle
            target: leader
            rate: 1mbit
          - action: partition
            target: leader
            from: %s
        """
            .formatted(name, from)
        + then;
  }

  /** Every probe of {@code run}'s ledger acknowledged writes, and lost none of them. */
  public static void assertNothingLost(JsonNode rep, CliRun run) {
    assertThat(rep.path("ledger")).as("a ledger was checked%n%s", run).isNotEmpty();
    for (JsonNode l : rep.path("ledger")) {
      assertThat(l.path("acknowledged").asInt()).as(l.path("probe").asText()).isPositive();
      assertThat(l.path("lost").asInt())
          .as("%s lost nothing%n%s", l.path("probe").asText(), run)
          .isZero();
    }
  }

  public static Map<String, JsonNode> byId(JsonNode array, String key) {
    Map<String, JsonNode> m = new HashMap<>();
    array.forEach(n -> m.put(n.path(key).asText(), n));
    return m;
  }

  /**
   * Replication is asynchronous (PostgreSQL under Patroni's defaults, and Redis): a write the
   * crashed primary or master committed in the instant before the crash, not yet streamed, is lost
   * with it (seen once in some sixty kill-primary runs). A run may lose such writes and nothing
   * else: then it fails on that SLO alone, and the report lists each write, when it was
   * acknowledged, and why.
   */
  public static void assertNoWriteLostButInTheReplicationWindow(CliRun r, JsonNode rep) {
    int lost = 0;
    for (JsonNode l : rep.path("ledger")) {
      lost += l.path("lost").asInt();
      assertThat(l.path("acknowledged").asInt()).isPositive();
      assertThat(l.path("lost").asInt())
          .as("lost %s in%n%s", l.path("probe").asText(), r)
          .isLessThanOrEqualTo(2);
      l.path("lost_acked_at_seconds")
          .forEach(
              at ->
                  assertThat(at.asDouble())
                      .as(
                          "a lost write of %s was acknowledged around the crash",
                          l.path("probe").asText())
                      .isBetween(-1.0, 0.5));
    }
    List<String> missed = new ArrayList<>();
    rep.path("slos")
        .forEach(
            slo -> {
              if (!slo.path("passed").asBoolean()) {
                missed.add(slo.path("name").asText());
              }
            });
    if (lost == 0) {
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("verdict: PASS").contains("reports: ");
      assertThat(rep.path("passed").asBoolean()).isTrue();
    } else {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertThat(missed).containsExactly("lost_acknowledged_writes");
      assertThat(rep.path("notes").toString()).contains("Replication is asynchronous");
    }
  }

  /**
   * A throttle-replication run with asynchronous replication, judged by its report: the cap went on
   * ({@code capDetail} in its timeline entry), the replicas fell at least 64 KiB behind, the crash
   * lost writes and every one of them was acknowledged while the link was slow, and the heal took
   * the cap off ({@code healedDetail}).
   */
  public static void assertSlowLinkLosses(
      CliRun r, JsonNode rep, String capDetail, String healedDetail) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();
    Map<String, JsonNode> faults = byId(rep.path("faults"), "action");
    double crashAfterCap =
        faults.get("crash_node").path("at_seconds").asDouble()
            - faults.get("throttle").path("at_seconds").asDouble();
    assertThat(faults.get("throttle").path("detail").asText())
        .contains("capped at 32kbit")
        .contains(capDetail);
    java.util.List<Long> lags = new java.util.ArrayList<>();
    String healed = "";
    for (JsonNode e : rep.path("events")) {
      if (e.path("kind").asText().equals("replication_lag")
          && !e.path("detail").asText().startsWith("caught up")) {
        lags.add(Long.parseLong(e.path("detail").asText().split(" ")[0]));
      }
      if (e.path("kind").asText().equals("healed")) {
        healed = e.path("detail").asText();
      }
    }
    assertThat(lags).as("the replicas fell at least 64 KiB behind%n%s", r).isNotEmpty();
    assertThat(lags).allMatch(b -> b >= 64 * 1024);
    assertThat(healed).contains(healedDetail);
    int lost = lostAckedBetween(rep, 0.0, crashAfterCap + 0.5, "while the link was slow");
    assertThat(lost).as("async: what the replicas lacked at the crash is lost%n%s", r).isPositive();
  }

  /**
   * Every acknowledged write the ledger lost was acknowledged between {@code from} and {@code to}
   * seconds after the first fault ({@code when} says what that window is); answers how many were
   * lost in all.
   */
  public static int lostAckedBetween(JsonNode rep, double from, double to, String when) {
    int lost = 0;
    for (JsonNode l : rep.path("ledger")) {
      lost += l.path("lost").asInt();
      l.path("lost_acked_at_seconds")
          .forEach(
              at ->
                  assertThat(at.asDouble())
                      .as("lost by %s: acknowledged %s", l.path("probe"), when)
                      .isBetween(from, to));
    }
    return lost;
  }

  /** Waits (30 s at most) until the leader names a synchronous standby. */
  public static void awaitSynchronousStandby(io.madbase.driver.StackLifecycle d) {
    org.awaitility.Awaitility.await("a synchronous standby")
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                d.observer()
                    .leader()
                    .flatMap(m -> d.observer().patroni(m).node())
                    .map(n -> n.replication().stream().anyMatch(x -> "sync".equals(x.syncState())))
                    .orElse(false));
  }

  /**
   * An isolate-sentinel-master run judged by its ledger: the client reached the new master only
   * after the heal (30 s), the cut-off master lost more than 100 acknowledged writes, every one of
   * them acknowledged between the cut and then, and the lost-writes SLO failed.
   *
   * @return when the client first wrote to the new master, seconds after the cut
   */
  public static double assertCutOffRedisMasterLostWhatItTookAfterTheCut(CliRun r, JsonNode rep) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(rep.path("recovered").asBoolean()).as(r.toString()).isTrue();
    Map<String, JsonNode> phases = byId(rep.path("phases"), "id");
    double moved = phases.get("first_redis_write").path("at_seconds").asDouble();
    assertThat(moved).as("the client reaches the new master after the heal").isGreaterThan(30.0);
    JsonNode ledger = rep.path("ledger").get(0);
    assertThat(ledger.path("probe").asText()).isEqualTo("redis_writer");
    assertThat(ledger.path("lost").asInt()).as(r.toString()).isGreaterThan(100);
    lostAckedBetween(rep, 0.0, moved, "by the cut-off master");
    assertThat(
            byId(rep.path("slos"), "name")
                .get("lost_acknowledged_writes")
                .path("passed")
                .asBoolean())
        .isFalse();
    return moved;
  }

  /**
   * {@code madbase chaos run <scenario>} in a JVM of its own, its output in {@code out}: a run a
   * test can kill with SIGKILL (no shutdown hook, no rollback) to see what it leaves behind.
   */
  public static Process startRun(Path scenario, Path state, Path reports, Path out)
      throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.madbase.cli.Main",
            "chaos",
            "run",
            scenario.toString(),
            "--state-dir",
            state.toString(),
            "--report-dir",
            reports.toString())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
  }
}
