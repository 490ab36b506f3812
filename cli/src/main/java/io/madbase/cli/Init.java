package io.madbase.cli;

import io.madbase.MadbaseException;
import io.madbase.stack.StackSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
  public Integer call() {
    if (file.toString().isEmpty()) {
      throw MadbaseException.invalidInput(
          "-f/--file: the file name is empty (''); leave -f out to write ./madbase.yaml");
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !force) {
      throw MadbaseException.invalidInput(file + " already exists (use --force to overwrite it)");
    }
    // a folder, a device (/dev/null) or a path below a file is never written to, even with --force
    OutputPaths.checkFile("-f", file);
    Path target = file.toAbsolutePath().normalize();
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + file + ": " + io.madbase.IoReason.at(e));
    }
    try {
      // whole or not at all: a file cut short by a full disk would read as a different stack
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, DefaultSpecFile.text());
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + file + ": " + io.madbase.IoReason.of(e));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // left behind: a hidden .madbase.yaml*.tmp, harmless
        }
      }
    }
    spec.commandLine()
        .getOut()
        .println("wrote " + file + " (the defaults; change what you need, then: madbase validate)");
    return 0;
  }
}
