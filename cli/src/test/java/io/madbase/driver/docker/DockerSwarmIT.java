package io.madbase.driver.docker;

import static io.madbase.driver.docker.DockerProjects.adopted;
import static io.madbase.driver.docker.DockerProjects.awaitAdoptedHealthy;
import static io.madbase.driver.docker.DockerProjects.renderProject;
import static io.madbase.driver.docker.DockerProjects.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.madbase.render.Images;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import io.madbase.testing.ChaosReports;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered stack on a single-node Docker Swarm ({@code docker stack deploy} of
 * docker-stack.yml), adopted by madbase and broken with kill-primary.
 *
 * <p>A class of its own, with no other stack running: leaving a swarm broke Docker's DNS for the
 * containers already running on bridge networks (dockerd 20.10 here): their HAProxy lost every
 * server some 20 s later, and only new networks resolved again.
 */
class DockerSwarmIT {
  static final String SPEC =
      """
      name: dockerswarm
      docker:
        host_port_base: 16700
      workers:
        count: 1
      """;

  static Path dir;
  static Path reports;
  static DockerEngine engine;

  @BeforeAll
  static void images() {
    engine = DockerEngine.connect();
    dir = TestStack.newDir("madbase-swarm-it");
    reports =
        Path.of("target", "docker-it-reports")
            .toAbsolutePath()
            .resolve("swarm-" + java.time.LocalDateTime.now().toString().replace(':', '-'));
    // a swarm builds nothing: the images must be there (built once per machine, reused)
    StackSpec spec = StackSpecLoader.parse("swarm", SPEC);
    Path project = dir.resolve("images");
    CliRun render =
        CliRun.run(
            "render",
            "--target",
            "compose",
            "--state-dir",
            dir.resolve(".images").toString(),
            "--out",
            project.toString());
    assertThat(render.exitCode()).as(render.toString()).isZero();
    new ImageBuilder(
            engine.api(), spec, project, dir.resolve("logs"), io.madbase.driver.Progress.NONE)
        .ensure(EnumSet.allOf(Images.class));
  }

  @AfterAll
  static void cleanUp() {
    engine.close();
    TestStack.deleteQuietly(dir);
  }

  @Test
  void aSwarmDeployOfTheRenderedStackConvergesAndSurvivesKillPrimary() throws Exception {
    Path swarm = dir.resolve("swarm");
    Path project =
        renderProject(
            swarm,
            """
            name: dockerswarm
            docker:
              host_port_base: 16700
            workers:
              count: 1
            """);
    String state =
        sh(dir, Duration.ofSeconds(30), "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")
            .out()
            .strip();
    boolean ours = !state.equals("active");
    if (ours) {
      CliRun init =
          sh(
              dir,
              Duration.ofMinutes(1),
              "docker",
              "swarm",
              "init",
              "--advertise-addr",
              "127.0.0.1");
      assertThat(init.exitCode()).as(init.out()).isZero();
    }
    try {
      CliRun deploy =
          sh(
              project,
              Duration.ofMinutes(2),
              "docker",
              "stack",
              "deploy",
              "-c",
              "docker-stack.yml",
              "dockerswarm");
      assertThat(deploy.exitCode()).as(deploy.out()).isZero();
      awaitAdoptedHealthy(swarm, "dockerswarm");

      CliRun chaos =
          adopted(
              swarm,
              "dockerswarm",
              "chaos",
              "kill-primary",
              "--report-dir",
              reports.resolve("swarm").toString());
      JsonNode rep = ChaosReports.newest(reports.resolve("swarm"), "kill-primary");
      ChaosReports.assertNoWriteLostButInTheReplicationWindow(chaos, rep);
      // the swarm starts the killed task again: part of the timeline, and a primary is back
      Map<String, JsonNode> phases = ChaosReports.byId(rep.path("phases"), "id");
      assertThat(phases.get("primary_writable_again").path("at_seconds").isNumber()).isTrue();
      assertThat(phases.get("first_write_gateway").path("at_seconds").isNumber()).isTrue();
    } finally {
      sh(project, Duration.ofMinutes(2), "docker", "stack", "rm", "dockerswarm");
      Awaitility.await("the swarm stack's containers gone")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  engine
                      .api()
                      .listContainersCmd()
                      .withShowAll(true)
                      .withLabelFilter(Map.of("com.docker.stack.namespace", "dockerswarm"))
                      .exec()
                      .isEmpty());
      for (var v :
          engine
              .api()
              .listVolumesCmd()
              .withFilter("label", List.of("com.docker.stack.namespace=dockerswarm"))
              .exec()
              .getVolumes()) {
        engine.api().removeVolumeCmd(v.getName()).exec();
      }
      if (ours) {
        CliRun leave = sh(dir, Duration.ofMinutes(1), "docker", "swarm", "leave", "--force");
        assertThat(leave.exitCode()).as(leave.out()).isZero();
      }
    }
  }
}
