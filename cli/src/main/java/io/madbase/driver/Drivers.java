package io.madbase.driver;

import io.madbase.MadbaseException;
import io.madbase.driver.docker.DockerDriver;
import io.madbase.driver.local.LocalDriver;
import io.madbase.stack.StackSpec;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the driver a stack runs on: the one its state directory names, or the spec asks for. */
public final class Drivers {
  private Drivers() {}

  /** The drivers there are. */
  public static final java.util.List<String> NAMES = java.util.List.of("local", "docker");

  /** The stack that lives in {@code stateDir}, on the driver that started it; exit 3 if none. */
  public static StackLifecycle attach(Path stateDir) {
    return attach(stateDir, null);
  }

  /**
   * As {@link #attach(Path)}; {@code expected} (may be null) must name the driver that started it,
   * or nothing is touched (exit 2).
   */
  public static StackLifecycle attach(Path stateDir, String expected) {
    Path dir = stateDir.toAbsolutePath().normalize();
    StackState st = StackState.require(dir);
    if (expected != null && !expected.equals(st.driver())) {
      throw MadbaseException.invalidInput(
          "the stack in "
              + dir
              + " runs on the "
              + st.driver()
              + " driver, not "
              + expected
              + "; nothing was done (drop --driver, or use the state directory of the "
              + expected
              + " stack with --state-dir)");
    }
    return switch (st.driver()) {
      case "local" -> LocalDriver.attach(dir);
      case "docker" -> DockerDriver.attach(dir, st);
      default ->
          throw MadbaseException.environment(
              dir.resolve(StackState.FILE)
                  + " names driver '"
                  + st.driver()
                  + "', which this madbase does not know");
    };
  }

  /**
   * A running Compose project or Swarm stack madbase did not start (docker driver): observed and
   * faulted, never started, stopped or removed.
   */
  public static StackLifecycle adopt(
      Path stateDir, StackSpec spec, String specSource, String project) {
    return DockerDriver.adopt(stateDir.toAbsolutePath().normalize(), spec, specSource, project);
  }

  /**
   * A driver to bring {@code spec} up in {@code stateDir}: the one the spec names. A stack another
   * driver started there is refused, and nothing is touched.
   */
  public static StackLifecycle forUp(
      Path stateDir, StackSpec spec, String specSource, String specText) {
    Path dir = stateDir.toAbsolutePath().normalize();
    Optional<StackState> existing = StackState.load(dir);
    if (existing.isPresent() && !existing.get().driver().equals(spec.driver())) {
      throw MadbaseException.invalidInput(
          "the stack in "
              + dir
              + " was started by the "
              + existing.get().driver()
              + " driver, and "
              + specSource
              + " asks for "
              + spec.driver()
              + "; nothing was changed (run `madbase down` first, or use another --state-dir)");
    }
    return switch (spec.driver()) {
      case "local" -> LocalDriver.forUp(dir, spec, specSource, specText);
      case "docker" -> DockerDriver.forUp(dir, spec, specSource, specText);
      default -> throw MadbaseException.invalidInput("unknown driver '" + spec.driver() + "'");
    };
  }
}
