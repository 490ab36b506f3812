package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.madbase.driver.StackState;
import io.madbase.testing.CliRun;
import io.madbase.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A docker-driver stack of one test class's own (its name and host ports in {@code spec}), brought
 * up with {@code madbase up} and ended with {@link #close()}: {@code madbase down --purge} (unless
 * a test took it down already), then whatever still carries the stack's label is removed anyway,
 * and the class fails naming it. Reports are kept under the module's {@code
 * target/docker-it-reports}: a failure's reports are its story.
 */
final class DockerTestStack implements AutoCloseable {
  final Path dir;
  final Path state;
  final Path specFile;
  final Path reports;
  final DockerEngine engine;

  private DockerTestStack(String name, String spec) {
    engine = DockerEngine.connect();
    dir = TestStack.newDir("madbase-" + name);
    state = dir.resolve(".madbase");
    specFile = TestStack.spec(dir, spec);
    reports =
        Path.of("target", "docker-it-reports")
            .toAbsolutePath()
            .resolve(name + "-" + java.time.LocalDateTime.now().toString().replace(':', '-'));
  }

  /** {@code madbase up} of {@code spec}; {@code name} names the test directory and reports. */
  static DockerTestStack up(String name, String spec) {
    DockerTestStack s = new DockerTestStack(name, spec);
    CliRun r = CliRun.run("up", "-f", s.specFile.toString(), "--state-dir", s.state.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return s;
  }

  DockerDriver attach() {
    return DockerDriver.attach(state, StackState.load(state).orElseThrow());
  }

  /** Until {@code madbase status} says the stack is healthy, at most {@code atMost}. */
  void awaitHealthy(Duration atMost) {
    Awaitility.await("the stack healthy (madbase status)")
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              CliRun s = CliRun.run("status", "--state-dir", state.toString());
              assertThat(s.exitCode()).as(s.toString()).isZero();
            });
  }

  /** {@code madbase chaos <scenario> [more]} on this stack, its reports in {@link #reports}. */
  CliRun chaos(String scenario, String... more) {
    List<String> args = new ArrayList<>(List.of("chaos", scenario));
    args.addAll(List.of(more));
    args.addAll(List.of("--state-dir", state.toString(), "--report-dir", reports.toString()));
    return CliRun.run(args.toArray(String[]::new));
  }

  /** The label every container, network and volume of this stack carries. */
  String stateId() {
    return DockerDriver.stateId(state.toAbsolutePath().normalize());
  }

  @Override
  public void close() {
    String id = stateId();
    List<String> left = new ArrayList<>();
    try {
      CliRun r =
          StackState.load(state).isPresent()
              ? CliRun.run("down", "--purge", "--state-dir", state.toString())
              : new CliRun(0, "", "");
      List<Container> containers =
          engine
              .api()
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(StackContainers.STATE, id))
              .exec();
      for (Container c : containers) {
        left.add("container " + c.getNames()[0]);
        removeQuietly(() -> engine.api().removeContainerCmd(c.getId()).withForce(true).exec());
      }
      engine.api().listNetworksCmd().exec().stream()
          .filter(n -> id.equals(n.getLabels().get(StackContainers.STATE)))
          .forEach(
              n -> {
                left.add("network " + n.getName());
                removeQuietly(() -> engine.api().removeNetworkCmd(n.getId()).exec());
              });
      var volumes =
          engine
              .api()
              .listVolumesCmd()
              .withFilter("label", List.of(StackContainers.STATE + "=" + id))
              .exec()
              .getVolumes();
      if (volumes != null) {
        volumes.forEach(
            v -> {
              left.add("volume " + v.getName());
              removeQuietly(() -> engine.api().removeVolumeCmd(v.getName()).exec());
            });
      }
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(left).as("left after madbase down --purge").isEmpty();
    } finally {
      engine.close();
      TestStack.deleteQuietly(dir);
    }
  }

  private static void removeQuietly(Runnable r) {
    try {
      r.run();
    } catch (NotFoundException e) {
      // gone already
    }
  }
}
