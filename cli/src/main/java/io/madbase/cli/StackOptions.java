package io.madbase.cli;

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

  public StackSpecLoader.Loaded load() {
    if (file != null && file.toString().isEmpty()) {
      throw io.madbase.MadbaseException.invalidInput(
          "-f/--file: the file name is empty (''); leave -f out to use ./madbase.yaml or the"
              + " defaults");
    }
    return file != null
        ? StackSpecLoader.load(file, true)
        : StackSpecLoader.load(Path.of(StackSpecLoader.DEFAULT_FILE), false);
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
