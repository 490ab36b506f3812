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

  @Option(
      names = "--project",
      paramLabel = "NAME",
      description =
          "A running Compose project (docker-compose -p NAME) or Swarm stack (docker stack deploy"
              + " NAME) that madbase did not start: status, chaos and loadtest work on it, found by"
              + " its labels; madbase never starts, stops or removes it. -f describes it, and"
              + " --state-dir holds its secrets.json (where madbase render wrote it).")
  String project;

  /** The spec, run by {@code --driver} when given. */
  public StackSpecLoader.Loaded load() {
    if (file != null && file.toString().isEmpty()) {
      throw MadbaseException.invalidInput(
          "-f/--file: the file name is empty (''); leave -f out to use ./madbase.yaml or the"
              + " defaults");
    }
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
    if (project != null) {
      if (driver() != null && !driver().equals("docker")) {
        throw MadbaseException.invalidInput(
            "--project adopts a Docker project: drop --driver local");
      }
      StackSpecLoader.Loaded loaded = load();
      return Drivers.adopt(stateDir(), loaded.spec(), loaded.source(), project);
    }
    return Drivers.attach(stateDir(), driver());
  }

  /** The stack to bring up: a new or partly running one in the state directory. */
  public StackLifecycle forUp(StackSpecLoader.Loaded loaded) {
    return project != null
        ? attach() // refuses up: madbase never starts a project it did not create
        : Drivers.forUp(stateDir(), loaded.spec(), loaded.source(), loaded.text());
  }

  public Path stateDir() {
    if (stateDir.toString().isEmpty()) {
      throw io.madbase.MadbaseException.invalidInput(
          "--state-dir: the directory name is empty (''); leave it out to use .madbase"
              + " (or MADBASE_STATE_DIR)");
    }
    return stateDir.toAbsolutePath().normalize();
  }
}
