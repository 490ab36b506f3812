package io.madbase.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Directories and specs for tests that run the real stack. Each test class uses its own loopback
 * subnet, so tests never collide with each other or with a stack a developer runs on the default
 * 127.0.1.x.
 */
public final class TestStack {
  private TestStack() {}

  /**
   * A fresh directory under /tmp that the postgres user can reach (mode 0755, unlike @TempDir's
   * 0700), holding the state directory and the spec file.
   */
  public static Path newDir(String prefix) {
    try {
      Path d = Files.createTempDirectory(Path.of("/tmp"), prefix);
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code yaml} to {@code dir}/madbase.yaml. */
  public static Path spec(Path dir, String yaml) {
    try {
      Path f = dir.resolve("madbase.yaml");
      Files.writeString(f, yaml);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every PID the stack in {@code state} has now (members and postmasters), for a "nothing left"
   * check.
   */
  public static java.util.List<Long> pids(Path state) {
    java.util.List<Long> out = new java.util.ArrayList<>();
    if (Files.exists(state.resolve("stack.json"))) {
      try (io.madbase.driver.local.LocalDriver d =
          io.madbase.driver.local.LocalDriver.attach(state)) {
        for (io.madbase.driver.NodeInfo n : d.nodes()) {
          if (n.pid() > 0) {
            out.add(n.pid());
          }
          out.addAll(n.childPids());
        }
      }
    }
    return out;
  }

  /**
   * The stack in {@code state} up and healthy, whatever a test before left: {@code up} starts what
   * is down (the whole stack when there is none), then {@code status} is asked until it says
   * healthy (a member just restarted is in HAProxy's rotation only after its checks pass), for at
   * most 90 s. Returns the last status, or the failed {@code up}.
   */
  public static CliRun whole(Path specFile, Path state) {
    CliRun up = CliRun.run("up", "-f", specFile.toString(), "--state-dir", state.toString());
    if (up.exitCode() != 0 && up.exitCode() != 1) {
      return up; // up refused or broke: nothing to wait for
    }
    if (up.exitCode() == 0) {
      return up;
    }
    CliRun[] status = {up};
    try {
      org.awaitility.Awaitility.await("the stack in " + state + " healthy")
          .atMost(java.time.Duration.ofSeconds(90))
          .pollInterval(java.time.Duration.ofMillis(500))
          .until(
              () ->
                  (status[0] = CliRun.run("status", "--state-dir", state.toString())).exitCode()
                      == 0);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the caller asserts on the last status, which says what is not healthy
    }
    return status[0];
  }

  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is not worth failing a test for
    }
  }
}
