package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an engine, the docker driver says how to start one and changes nothing. */
class NoEngineTest {
  @TempDir Path dir;

  @BeforeEach
  void noEngine() {
    System.setProperty("madbase.docker.host", "unix://" + dir.resolve("no-docker.sock"));
  }

  @AfterEach
  void engineAgain() {
    System.clearProperty("madbase.docker.host");
  }

  @Test
  void upWithoutAnEngineIsAnEnvironmentErrorSayingHowToStartOneAndWritesNothing() {
    Path state = dir.resolve("state");
    CliRun r = CliRun.run("up", "--driver", "docker", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err())
        .contains("no Docker engine answers at unix://" + dir.resolve("no-docker.sock"))
        .contains("dockerd")
        .doesNotContain("Exception");
    assertThat(Files.exists(state.resolve("stack.json"))).isFalse();
  }

  @Test
  void doctorForTheDockerDriverReportsTheMissingEngine() {
    CliRun r = CliRun.run("doctor", "--driver", "docker", "--state-dir", dir.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).contains("FAIL docker").contains("no Docker engine answers");
  }
}
