package io.madbase.cli;

import io.madbase.MadbaseException;
import io.madbase.stack.StackSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code madbase init}: writes the default madbase.yaml, every setting shown and explained. */
@Command(
    name = "init",
    description = "Write a madbase.yaml with every default setting, commented.",
    mixinStandardHelpOptions = true)
public final class Init implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      defaultValue = StackSpecLoader.DEFAULT_FILE,
      description = "Where to write it (default: ${DEFAULT-VALUE}).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (file.toString().isEmpty()) {
      throw MadbaseException.invalidInput(
          "-f/--file: the file name is empty (''); leave -f out to write ./madbase.yaml");
    }
    if (Files.exists(file) && !force) {
      throw MadbaseException.invalidInput(file + " already exists (use --force to overwrite it)");
    }
    String text = DefaultSpecFile.text();
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(file, text);
    spec.commandLine()
        .getOut()
        .println("wrote " + file + " (the defaults; change what you need, then: madbase validate)");
    return 0;
  }
}
