package io.madbase.cli;

import io.madbase.MadbaseException;
import io.madbase.driver.Drivers;
import io.madbase.driver.StackLifecycle;
import io.madbase.stack.StackSpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which stack a command acts on: its spec file and its state directory. */
public final class StackOptions {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Stack spec (default: ./madbase.yaml if present, else the built-in defaults).")
  Path file;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "${env:MADBASE_STATE_DIR:-.madbase}",
      description =
          "Where the stack keeps configs, data, logs, PIDs and secrets (default: ${DEFAULT-VALUE}; env MADBASE_STATE_DIR).")
  Path stateDir;

  @Option(
      names = "--driver",
      paramLabel = "DRIVER",
      description =
          "local (native processes on loopback) or docker (containers through the Docker Engine API);"
              + " default: the spec's driver, else local. On a running stack it must be the one that"
              + " started it.")
  String driver;

  /** The spec, run by {@code --driver} when given. */
  public StackSpecLoader.Loaded load() {
    StackSpecLoader.Loaded loaded =
        file != null
            ? StackSpecLoader.load(file, true)
            : StackSpecLoader.load(Path.of(StackSpecLoader.DEFAULT_FILE), false);
    String d = driver();
    return d == null
        ? loaded
        : new StackSpecLoader.Loaded(
            loaded.spec().withDriver(d), loaded.source(), loaded.text(), loaded.fromFile());
  }

  /** {@code --driver}, checked; null when not given. */
  public String driver() {
    if (driver != null && !Drivers.NAMES.contains(driver)) {
      throw MadbaseException.invalidInput(
          "--driver must be one of "
              + String.join(", ", Drivers.NAMES)
              + " (got '"
              + driver
              + "')");
    }
    return driver;
  }

  /**
   * The stack in the state directory, on the driver that started it; with {@code --driver}, that
   * must be the one (exit 2 otherwise, nothing touched).
   */
  public StackLifecycle attach() {
    return Drivers.attach(stateDir(), driver());
  }

  public Path stateDir() {
    return stateDir.toAbsolutePath().normalize();
  }
}
