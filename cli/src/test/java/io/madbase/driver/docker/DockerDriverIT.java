package io.madbase.driver.docker;

import static io.madbase.driver.docker.DockerProjects.adopted;
import static io.madbase.driver.docker.DockerProjects.awaitAdoptedHealthy;
import static io.madbase.driver.docker.DockerProjects.renderProject;
import static io.madbase.driver.docker.DockerProjects.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
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

  static DockerTestStack stack;

  @BeforeAll
  static void up() {
    stack = DockerTestStack.up("docker-it", SPEC);
  }

  @AfterAll
  static void down() {
    stack.close();
  }

  static void awaitHealthy() {
    stack.awaitHealthy(Duration.ofSeconds(120));
  }

  static CliRun chaos(String scenario) {
    return stack.chaos(scenario, "--driver", "docker");
  }

  @Test
  void everyMemberIsAContainerThatMadbaseReachesOnlyOnLoopback() throws IOException {
    awaitHealthy();
    CliRun r = CliRun.run("status", "-o", "json", "--state-dir", stack.state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode status = new ObjectMapper().readTree(r.out());
    assertThat(status.path("driver").asText()).isEqualTo("docker");
    StackSpec spec = StackSpecLoader.parse("it", SPEC);
    int members = Topology.compose(spec).members().size();
    assertThat(status.path("members")).hasSize(members);

    List<Container> containers =
        stack
            .engine
            .api()
            .listContainersCmd()
            .withLabelFilter(Map.of(StackContainers.STATE, stack.stateId()))
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
    JsonNode rep = ChaosReports.newest(stack.reports, "kill-primary");
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
    JsonNode rep = ChaosReports.newest(stack.reports, "kill-sentinel-master");
    assertThat(rep.path("stack").path("driver").asText()).isEqualTo("docker");
    ChaosReports.assertNoWriteLostButInTheReplicationWindow(r, rep);
  }

  @Test
  void theRenderedProjectRunsByHandWithDockerComposeAndMadbaseAdoptsItWithoutOwningIt()
      throws Exception {
    awaitHealthy(); // the images exist: the project by hand builds nothing
    Path hand = stack.dir.resolve("by-hand");
    Path project =
        renderProject(
            hand,
            """
            name: dockerhand
            docker:
              host_port_base: 16600
            workers:
              count: 1
            """);
    try {
      CliRun up =
          sh(
              project,
              Duration.ofMinutes(3),
              "docker-compose",
              "-p",
              "dockerhand",
              "up",
              "-d",
              "--no-build");
      assertThat(up.exitCode()).as(up.out()).isZero();
      awaitAdoptedHealthy(hand, "dockerhand");

      CliRun chaos =
          adopted(
              hand,
              "dockerhand",
              "chaos",
              "switchover",
              "--report-dir",
              stack.reports.resolve("by-hand").toString());
      assertThat(chaos.exitCode()).as(chaos.toString()).isZero();
      JsonNode rep = ChaosReports.newest(stack.reports.resolve("by-hand"), "switchover");
      assertThat(rep.path("passed").asBoolean()).isTrue();

      // network faults reach an adopted project's containers as they do madbase's own: a brief
      // cap and cut on the leader, healed together by a heal step
      Path brief = hand.resolve("brief-cut.yaml");
      Files.writeString(
          brief,
          ChaosReports.capAndCutLeader(
              "brief-cut",
              "[postgres]",
              """
                - action: sleep
                  duration: 3s
                - action: heal
              """));
      CliRun cut =
          adopted(
              hand,
              "dockerhand",
              "chaos",
              "run",
              brief.toString(),
              "--report-dir",
              stack.reports.resolve("by-hand").toString());
      assertThat(cut.exitCode()).as(cut.toString()).isZero();
      JsonNode cutRep = ChaosReports.newest(stack.reports.resolve("by-hand"), "brief-cut");
      Map<String, JsonNode> faults = ChaosReports.byId(cutRep.path("faults"), "action");
      assertThat(faults.get("throttle").path("detail").asText()).contains("capped at 1mbit");
      assertThat(faults.get("partition").path("detail").asText()).contains("MADBASE-PART");
      List<String> healed = new ArrayList<>();
      cutRep
          .path("events")
          .forEach(
              e -> {
                if (e.path("kind").asText().equals("healed")) {
                  healed.add(e.path("detail").asText());
                }
              });
      assertThat(healed)
          .as(cut.toString())
          .anySatisfy(h -> assertThat(h).contains("the bandwidth cap on"))
          .anySatisfy(h -> assertThat(h).contains("iptables chain MADBASE-PART removed"));

      // madbase never stops or removes what it did not start
      CliRun down = adopted(hand, "dockerhand", "down");
      assertThat(down.exitCode()).as(down.toString()).isEqualTo(2);
      assertThat(down.err()).contains("madbase did not start the Compose project 'dockerhand'");
      assertThat(adopted(hand, "dockerhand", "status").exitCode()).isZero();
    } finally {
      CliRun down =
          sh(project, Duration.ofMinutes(3), "docker-compose", "-p", "dockerhand", "down", "-v");
      assertThat(down.exitCode()).as(down.out()).isZero();
    }
  }

  @Test
  void aBaseImageThatCanBeNeitherFoundNorPulledStopsUpBeforeAnythingStarts() {
    Path other = TestStack.newDir("madbase-docker-base");
    try {
      Path f =
          TestStack.spec(
              other,
              """
              name: dockerbase
              driver: docker
              docker:
                base_image: madbase-test/no-such-base:1
                host_port_base: 16900
              """);
      CliRun r =
          CliRun.run("up", "-f", f.toString(), "--state-dir", other.resolve(".m").toString());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.err())
          .contains("madbase-test/no-such-base:1 (docker.base_image) is neither on this engine")
          .doesNotContain("Exception");
      assertThat(
              stack
                  .engine
                  .api()
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(StackContainers.STACK, "dockerbase"))
                  .exec())
          .isEmpty();
    } finally {
      CliRun.run("down", "--purge", "--state-dir", other.resolve(".m").toString());
      TestStack.deleteQuietly(other);
    }
  }

  @Test
  void aCommandForTheOtherDriverIsRefusedAndTouchesNothing() {
    CliRun r = CliRun.run("status", "--driver", "local", "--state-dir", stack.state.toString());
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
              stack
                  .engine
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
