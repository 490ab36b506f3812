package io.madbase.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's scheduling and accounting, against a JDK HttpServer on 127.0.0.1 that can be made
 * slow.
 */
class LoadGeneratorTest {
  TestServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  LoadConfig.Builder builder(String path, double rate, int connections, Duration duration) {
    return LoadConfig.builder(server.uri(), new Workload.Get(path))
        .rate(rate)
        .connections(connections)
        .duration(duration)
        .warmup(Duration.ZERO)
        .headers(Map.of());
  }

  LoadConfig config(String path, double rate, int connections, Duration duration) {
    return builder(path, rate, connections, duration).build();
  }

  @Test
  void sendsExactlyTheScheduledNumberOfRequestsAndCountsThemAllOk() {
    LoadResult r =
        LoadGenerator.run(config("/fast", 200, 10, Duration.ofSeconds(1)), LoadListener.NONE);
    assertThat(r.counts().scheduled()).isEqualTo(200);
    assertThat(r.counts().ok()).isEqualTo(200);
    assertThat(r.counts().errors()).isZero();
    assertThat(r.counts().notSent()).isZero();
    assertThat(r.latency().count()).isEqualTo(200);
    assertThat(r.throughput().requestsPerSecond()).isBetween(150.0, 210.0);
    assertThat(server.served.get()).isEqualTo(200);
  }

  @Test
  void latencyRunsFromTheIntendedSendTimeWhenTheServerStalls() {
    // one connection; one request stalls 600 ms: every request due during the stall waits behind it
    LoadConfig c = config("/stall-once", 200, 1, Duration.ofMillis(2000));
    try (RunningLoad run = LoadGenerator.start(c)) {
      awaitMillis(500);
      server.armStall(600);
      LoadResult r = run.await();
      assertThat(r.counts().scheduled()).isEqualTo(400);
      assertThat(r.counts().ok()).isEqualTo(400);
      // measured from when each was sent, one request would be slow (the stalled one) and p90
      // would be a millisecond; measured from the intended time, the ~120 requests due during the
      // stall carry what is left of it: 0.6 s down to 0
      assertThat(r.latency().max()).isGreaterThanOrEqualTo(550);
      assertThat(r.latency().p90()).isGreaterThanOrEqualTo(200);
      assertThat(r.counts().late())
          .as("requests that waited for the one busy connection")
          .isGreaterThanOrEqualTo(80);
      assertThat(r.sendLag().max()).isGreaterThanOrEqualTo(500);
    }
  }

  static void awaitMillis(long ms) {
    long end = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
    }
  }

  @Test
  void requestsThatCannotBeQueuedAreCountedAsNotSentAndAsErrors() {
    server.slowMillis = 700;
    LoadConfig c =
        builder("/slow", 100, 2, Duration.ofSeconds(1))
            .maxQueue(5)
            .timeout(Duration.ofSeconds(3))
            .build();
    LoadResult r = LoadGenerator.run(c, LoadListener.NONE);
    assertThat(r.counts().scheduled()).isEqualTo(100);
    assertThat(r.counts().notSent()).isGreaterThanOrEqualTo(50);
    assertThat(r.errorsByKind()).containsKey("queue_full");
    assertThat(r.errorSamples().get("queue_full")).as("the failure as it came").isNotBlank();
    assertThat(r.counts().ok() + r.counts().errors()).isEqualTo(r.counts().scheduled());
    assertThat(r.counts().sent() + r.counts().notSent()).isEqualTo(r.counts().scheduled());
    assertThat(r.latency().count())
        .as("not-sent requests have no latency")
        .isEqualTo(r.counts().sent());
  }

  @Test
  void aMixsReadsAreCountedSecondBySecondOnTheirOwn() {
    LoadConfig c =
        LoadConfig.builder(server.uri(), new Workload.Mix(4, 1))
            .rate(250)
            .connections(5)
            .duration(Duration.ofSeconds(1))
            .warmup(Duration.ZERO)
            .headers(Map.of())
            .build();
    LoadResult r = LoadGenerator.run(c, LoadListener.NONE);
    assertThat(r.errorsByKind()).containsEntry("http_503", 50L);
    long offered = r.seconds().stream().mapToLong(s -> s.reads().offered()).sum();
    long ok = r.seconds().stream().mapToLong(s -> s.reads().ok()).sum();
    long errors = r.seconds().stream().mapToLong(s -> s.reads().errors()).sum();
    assertThat(offered).isEqualTo(200);
    assertThat(ok).as("the writes' failures are not the reads'").isEqualTo(200);
    assertThat(errors).isZero();
    assertThat(r.seconds().get(0).reads().p99()).isPositive();
  }

  @Test
  void errorStatusesAreCountedByCode() {
    LoadResult r =
        LoadGenerator.run(config("/status/503", 50, 2, Duration.ofSeconds(1)), LoadListener.NONE);
    assertThat(r.errorsByKind()).containsEntry("http_503", 50L);
    assertThat(r.errorSamples())
        .containsExactly(Map.entry("http_503", "{\"error\":\"answered 503\"}"));
    assertThat(r.counts().errorRate()).isEqualTo(1.0);
  }

  @Test
  void requestedConnectionsAreOpenedBeforeTheRunAndTheKernelAgrees() {
    LoadResult r =
        LoadGenerator.run(config("/fast", 100, 40, Duration.ofSeconds(1)), LoadListener.NONE);
    LoadResult.Connections c = r.connections();
    assertThat(c.requested()).isEqualTo(40);
    assertThat(c.established()).isEqualTo(40);
    assertThat(c.kernelEstablished()).isEqualTo(40);
    assertThat(c.serverSide()).isGreaterThanOrEqualTo(40);
    assertThat(c.minOpen()).isEqualTo(40);
    assertThat(c.held()).isTrue();
  }

  @Test
  void aServerThatTakesFewerConnectionsThanRequestedIsReportedAsNotHeld() throws Exception {
    // a listening socket that never accepts: the kernel completes about backlog + 1 handshakes.
    // Not exactly: the accept-queue check is lockless, so ACKs handled at once on two cores can
    // both pass it (CI saw 4 with backlog 2). What must hold is "fewer than requested".
    try (ServerSocket s = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      LoadConfig c =
          LoadConfig.builder(
                  URI.create("http://127.0.0.1:" + s.getLocalPort()), new Workload.Get("/"))
              .rate(10)
              .connections(10)
              .duration(Duration.ofMillis(300))
              .warmup(Duration.ZERO)
              .timeout(Duration.ofMillis(300))
              .connectTimeout(Duration.ofMillis(500))
              .build();
      LoadResult r = LoadGenerator.run(c, LoadListener.NONE);
      assertThat(r.connections().serverSide()).isLessThan(c.connections());
      assertThat(r.connections().held()).isFalse();
    }
  }

  @Test
  void noConnectionAtAllIsAnEnvironmentError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    LoadConfig c =
        LoadConfig.builder(URI.create("http://127.0.0.1:" + port), new Workload.Get("/"))
            .duration(Duration.ofSeconds(1))
            .build();
    assertThatThrownBy(() -> LoadGenerator.start(c))
        .isInstanceOf(MadbaseException.class)
        .hasMessageContaining("cannot connect to http://127.0.0.1:" + port)
        .extracting(e -> ((MadbaseException) e).exitCode())
        .isEqualTo(ExitCode.ENVIRONMENT);
  }

  @Test
  void stopEndsARunWithoutDurationAndReturnsPerSecondBucketsOnNanoTime() {
    LoadConfig c = config("/fast", 100, 5, null);
    long before = System.nanoTime();
    try (RunningLoad run = LoadGenerator.start(c)) {
      awaitMillis(2200);
      // the schedule ran from its first intended send until stop: 100 a second of that, whatever
      // the sleep above overslept on a busy machine
      double ranAtLeast = (System.nanoTime() - run.startNanos()) / 1e9;
      LoadResult r = run.stop();
      double ranAtMost = (System.nanoTime() - run.startNanos()) / 1e9;
      assertThat(r.stoppedEarly()).isTrue();
      assertThat(r.counts().scheduled())
          .as("100/s over %.2f-%.2f s", ranAtLeast, ranAtMost)
          .isBetween((long) (100 * ranAtLeast) - 2, (long) (100 * ranAtMost) + 2);
      assertThat(r.seconds()).hasSizeBetween((int) ranAtLeast, (int) ranAtMost + 2);
      assertThat(r.seconds().get(0).startNanos()).isGreaterThan(before);
      assertThat(r.seconds().get(0).completed()).isBetween(95L, 101L);
      assertThat(r.seconds().get(1).startNanos()).isEqualTo(r.seconds().get(0).endNanos());
    }
  }

  @Test
  void invalidConfigsAreRefusedNamingTheFlag() {
    LoadConfig c = config("/fast", 0, 0, Duration.ZERO);
    assertThatThrownBy(() -> LoadGenerator.start(c))
        .isInstanceOf(MadbaseException.class)
        .hasMessageContaining("--rate must be > 0")
        .hasMessageContaining("--connections must be between 1 and 60000")
        .hasMessageContaining("--duration must be > 0");
  }
}
