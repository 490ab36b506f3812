package io.madbase.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the server binaries the fixtures run; a missing one fails loudly and says what to install.
 */
public final class Binaries {
  public static final Path POSTGRES_BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String INSTALL_HINT =
      "run scripts/install-deps.sh (apt-get install -y postgresql-15 redis-server redis-sentinel)";

  private Binaries() {}

  /** A PostgreSQL 15 program such as {@code initdb} or {@code postgres}. */
  public static Path postgres(String program) {
    return require(POSTGRES_BIN.resolve(program), "postgresql-15");
  }

  /**
   * A program on the PATH such as {@code redis-server}, provided by the Debian package {@code pkg}.
   */
  public static Path onPath(String program, String pkg) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : (path + ":/usr/sbin:/usr/bin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        program + " not found (Debian package " + pkg + "): " + INSTALL_HINT);
  }

  private static Path require(Path binary, String pkg) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary + " not found (Debian package " + pkg + "): " + INSTALL_HINT);
    }
    return binary;
  }
}
