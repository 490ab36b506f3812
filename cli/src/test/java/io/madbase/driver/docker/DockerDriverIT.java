package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import io.madbase.observe.StackObserver;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import io.madbase.stack.Topology;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker driver against a real Docker Engine: the stack's images built from Debian's packages
 * (once per machine), every member a container, madbase reaching them only through ports published
 * on 127.0.0.1, faults on containers judged by the same phases and ledger as on the local driver,
 * and nothing left behind. Each test waits for a healthy stack first, so one failure does not
 * cascade into the next.
 */
class DockerDriverIT {
  static final String SPEC =
      """
      name: dockerit
      driver: docker
      docker:
        host_port_base: 16400
      workers:
        count: 2
        discovery_interval: 5s
      """;

  static Path dir;
  static Path state;
  static Path specFile;
  static Path reports;
  static DockerEngine engine;

  @BeforeAll
  static void up() {
    engine = DockerEngine.connect();
    dir = TestStack.newDir("madbase-docker-it");
    state = dir.resolve(".madbase");
    specFile = TestStack.spec(dir, SPEC);
    reports = dir.resolve("reports");
    CliRun r = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @AfterAll
  static void down() {
    try {
      CliRun r = CliRun.run("down", "--purge", "--state-dir", state.toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      String id = DockerDriver.stateId(state.toAbsolutePath().normalize());
      var labels = Map.of(StackContainers.STATE, id);
      assertThat(engine.api().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec())
          .as("containers left")
          .isEmpty();
      assertThat(
              engine
                  .api()
                  .listVolumesCmd()
                  .withFilter("label", List.of(StackContainers.STATE + "=" + id))
                  .exec()
                  .getVolumes())
          .as("volumes left")
          .isNullOrEmpty();
      assertThat(engine.api().listNetworksCmd().withNameFilter("dockerit_default").exec())
          .as("network left")
          .noneMatch(n -> n.getName().equals("dockerit_default"));
    } finally {
      engine.close();
      TestStack.deleteQuietly(dir);
    }
  }

  static void awaitHealthy() {
    Awaitility.await("the stack healthy (madbase status)")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> CliRun.run("status", "--state-dir", state.toString()).exitCode() == 0);
  }

  static CliRun chaos(String scenario) {
    return CliRun.run(
        "chaos",
        scenario,
        "--driver",
        "docker",
        "--state-dir",
        state.toString(),
        "--report-dir",
        reports.toString());
  }

  @Test
  void everyMemberIsAContainerThatMadbaseReachesOnlyOnLoopback() throws IOException {
    awaitHealthy();
    CliRun r = CliRun.run("status", "-o", "json", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode status = new ObjectMapper().readTree(r.out());
    assertThat(status.path("driver").asText()).isEqualTo("docker");
    StackSpec spec = StackSpecLoader.parse("it", SPEC);
    int members = Topology.compose(spec).members().size();
    assertThat(status.path("members")).hasSize(members);

    List<Container> containers =
        engine
            .api()
            .listContainersCmd()
            .withLabelFilter(
                Map.of(
                    StackContainers.STATE,
                    DockerDriver.stateId(state.toAbsolutePath().normalize())))
            .exec();
    assertThat(containers).hasSize(members).allMatch(c -> "running".equals(c.getState()));
    List<String> published = new ArrayList<>();
    for (Container c : containers) {
      assertThat(c.getLabels()).containsEntry("com.docker.compose.project", "dockerit");
      for (ContainerPort p : c.getPorts()) {
        if (p.getPublicPort() != null) {
          published.add(c.getNames()[0] + " " + p.getIp() + ":" + p.getPublicPort());
          assertThat(p.getIp()).as("%s publishes on", c.getNames()[0]).isEqualTo("127.0.0.1");
        }
      }
    }
    assertThat(published).as("HAProxy's primary listener").anyMatch(s -> s.endsWith(":16433"));
  }

  @Test
  void killPrimaryOnContainersObservesEveryPhaseAndLosesNoAcknowledgedWrite() throws IOException {
    awaitHealthy();
    CliRun r = chaos("kill-primary");
    JsonNode rep = ChaosReports.newest(reports, "kill-primary");
    assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
    ChaosReports.assertNoWriteLostButInTheReplicationWindow(r, rep);
    Map<String, JsonNode> phases = ChaosReports.byId(rep.path("phases"), "id");
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
    assertThat(phases.get("leader_key_gone").path("at_seconds").asDouble())
        .as("lease expiry on ttl 10 / loop_wait 2")
        .isBetween(7.0, 12.0);
    JsonNode gw = ChaosReports.byId(rep.path("probes"), "probe").get("gateway_writer");
    assertThat(gw.path("failed").asInt() + gw.path("unknown").asInt())
        .as("failed gateway writes")
        .isZero();
  }

  @Test
  void killSentinelMasterOnContainersFailsOverAndLosesNoAcknowledgedWrite() throws IOException {
    awaitHealthy();
    CliRun r = chaos("kill-sentinel-master");
    JsonNode rep = ChaosReports.newest(reports, "kill-sentinel-master");
    assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
    ChaosReports.assertNoWriteLostButInTheReplicationWindow(r, rep);
  }

  @Test
  void theRenderedProjectRunsByHandWithDockerComposeAndComesUpHealthy() throws Exception {
    awaitHealthy(); // the images exist: the project by hand builds nothing
    Path hand = dir.resolve("by-hand");
    Path handState = hand.resolve(".madbase");
    String handSpec =
        """
        name: dockerhand
        driver: docker
        docker:
          host_port_base: 16600
        workers:
          count: 1
        """;
    Path handFile = TestStack.spec(Files.createDirectories(hand), handSpec);
    Path project = hand.resolve("compose");
    CliRun render =
        CliRun.run(
            "render",
            "--target",
            "compose",
            "-f",
            handFile.toString(),
            "--state-dir",
            handState.toString(),
            "--out",
            project.toString());
    assertThat(render.exitCode()).as(render.toString()).isZero();
    StackSpec spec = StackSpecLoader.parse("hand", handSpec);
    try {
      Process up =
          new ProcessBuilder("docker-compose", "-p", "dockerhand", "up", "-d", "--no-build")
              .directory(project.toFile())
              .redirectErrorStream(true)
              .start();
      String upOut = new String(up.getInputStream().readAllBytes());
      assertThat(up.waitFor()).as(upOut).isZero();
      try (StackObserver obs =
          new StackObserver(spec, Topology.compose(spec), Secrets.loadOrCreate(handState))) {
        Awaitility.await("the hand-run project healthy, as madbase status judges it")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> obs.stack().ok());
        assertThat(obs.topology().of(Role.GATEWAY)).hasSize(1);
      }
    } finally {
      Process down =
          new ProcessBuilder("docker-compose", "-p", "dockerhand", "down", "-v")
              .directory(project.toFile())
              .redirectErrorStream(true)
              .start();
      String downOut = new String(down.getInputStream().readAllBytes());
      assertThat(down.waitFor()).as(downOut).isZero();
    }
  }

  @Test
  void aCommandForTheOtherDriverIsRefusedAndTouchesNothing() {
    CliRun r = CliRun.run("status", "--driver", "local", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("runs on the docker driver, not local");
  }

  @Test
  void aPublishedPortThatIsTakenStopsUpBeforeAnythingStarts() throws IOException {
    Path other = TestStack.newDir("madbase-docker-port");
    try (var taken = new java.net.ServerSocket()) {
      taken.bind(new java.net.InetSocketAddress("127.0.0.1", 16833));
      Path f =
          TestStack.spec(
              other,
              """
              name: dockerport
              driver: docker
              docker:
                host_port_base: 16800
              """);
      CliRun r =
          CliRun.run("up", "-f", f.toString(), "--state-dir", other.resolve(".m").toString());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains("127.0.0.1:16833 is taken").contains("nothing was started");
      assertThat(
              engine
                  .api()
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(StackContainers.STACK, "dockerport"))
                  .exec())
          .isEmpty();
    } finally {
      TestStack.deleteQuietly(other);
    }
  }
}
