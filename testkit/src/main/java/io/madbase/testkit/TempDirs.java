package io.madbase.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories under /tmp that an unprivileged server user can traverse (mode 0755). */
public final class TempDirs {
  private TempDirs() {}

  public static Path create(String prefix) {
    try {
      Path dir =
          Files.createTempDirectory(
              Path.of("/tmp"),
              prefix,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory under /tmp", e);
    }
  }

  /**
   * Deletes {@code dir} and everything below it; best effort (a leftover is logged by the caller).
   */
  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }
}
