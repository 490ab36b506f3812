package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** Rendered Compose projects run by hand (docker-compose, docker stack), for the docker tests. */
final class DockerProjects {
  private DockerProjects() {}

  /** Runs a command in {@code dir}, at most {@code limit}; its exit code and output. */
  static CliRun sh(Path dir, Duration limit, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(limit.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new CliRun(-1, new String(p.getInputStream().readAllBytes()), "timed out");
    }
    return new CliRun(p.exitValue(), new String(p.getInputStream().readAllBytes()), "");
  }

  /** Renders a second stack's Compose project (its own name and ports) for a by-hand run. */
  static Path renderProject(Path where, String yaml) throws IOException {
    Path spec = TestStack.spec(Files.createDirectories(where), yaml);
    CliRun render =
        CliRun.run(
            "render",
            "--target",
            "compose",
            "-f",
            spec.toString(),
            "--state-dir",
            where.resolve(".madbase").toString(),
            "--out",
            where.resolve("project").toString());
    assertThat(render.exitCode()).as(render.toString()).isZero();
    return where.resolve("project");
  }

  /** madbase with --project NAME, the spec and secrets of the render in {@code where}. */
  static CliRun adopted(Path where, String project, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "--project",
            project,
            "-f",
            where.resolve("madbase.yaml").toString(),
            "--state-dir",
            where.resolve(".madbase").toString()));
    return CliRun.run(args.toArray(String[]::new));
  }

  static void awaitAdoptedHealthy(Path where, String project) {
    Awaitility.await(project + " healthy, as madbase status --project judges it")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              CliRun s = adopted(where, project, "status");
              assertThat(s.exitCode()).as(s.toString()).isZero();
            });
  }
}
