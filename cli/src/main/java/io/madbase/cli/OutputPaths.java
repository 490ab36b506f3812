package io.madbase.cli;

import io.madbase.MadbaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a command will write its results, checked before it does the work: a report directory that
 * cannot be created is found before minutes of chaos or load, not after. Nothing is created here (a
 * dry run touches nothing). An empty name is exit 2; a path that cannot be created or written (a
 * file in the way, no permission, a read-only file system) is exit 3, naming it.
 */
final class OutputPaths {
  private OutputPaths() {}

  /** {@code dir} (given with {@code option}) is or can become a directory. */
  static void checkDirectory(String option, Path dir) {
    if (dir.toString().isEmpty()) {
      throw MadbaseException.invalidInput(option + ": the directory name is empty ('')");
    }
    Path abs = dir.toAbsolutePath().normalize();
    Optional<Path> existing = nearestExisting(abs);
    if (existing.isEmpty()) {
      return;
    }
    Path e = existing.get();
    if (!Files.isDirectory(e)) {
      throw MadbaseException.environment(
          option
              + " "
              + dir
              + ": "
              + e
              + " is a file, not a directory"
              + (e.equals(abs) ? "" : ", so the directory cannot be created"));
    }
    writable(option, dir, e);
  }

  /**
   * {@code file} (given with {@code option}) can be written: not a directory, its folder can be.
   */
  static void checkFile(String option, Path file) {
    if (file.toString().isEmpty()) {
      throw MadbaseException.invalidInput(option + ": the file name is empty ('')");
    }
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw MadbaseException.environment(option + " " + file + ": is a directory, not a file");
    }
    if (Files.exists(abs) && !Files.isRegularFile(abs)) {
      throw MadbaseException.environment(
          option + " " + file + ": is not a regular file (a device, pipe or socket)");
    }
    Path parent = abs.getParent();
    if (parent == null) {
      return;
    }
    Optional<Path> existing = nearestExisting(parent);
    if (existing.isEmpty()) {
      return;
    }
    Path e = existing.get();
    if (!Files.isDirectory(e)) {
      throw MadbaseException.environment(
          option + " " + file + ": " + e + " is a file, so no file can be created below it");
    }
    writable(option, file, Files.exists(abs) ? abs : e);
  }

  private static void writable(String option, Path given, Path existing) {
    if (!Files.isWritable(existing)) {
      throw MadbaseException.environment(
          option
              + " "
              + given
              + ": cannot write in "
              + existing
              + " (permission denied or a read-only file system)");
    }
  }

  private static Optional<Path> nearestExisting(Path p) {
    Path q = p;
    while (q != null && !Files.exists(q)) {
      q = q.getParent();
    }
    return Optional.ofNullable(q);
  }
}
