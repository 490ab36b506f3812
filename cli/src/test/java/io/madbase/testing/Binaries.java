package io.madbase.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real binaries tests run; a missing one fails the test with the install command. */
public final class Binaries {
  private Binaries() {}

  public static Path require(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin"}) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        name + " is not installed, and this test needs the real one: run scripts/install-deps.sh");
  }
}
