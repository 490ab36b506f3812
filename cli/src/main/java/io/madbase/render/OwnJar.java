package io.madbase.render;

import io.madbase.Sha256;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * madbase's own runnable jar, which the gateway image is built from: the jar this JVM runs from, or
 * the one the {@code madbase.jar} system property names (tests run from classes, and point it at
 * the jar the build made).
 */
public final class OwnJar {
  public static final String PROPERTY = "madbase.jar";

  private static volatile String digest;

  private OwnJar() {}

  /** The jar, if there is one. */
  public static Optional<Path> path() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
    try {
      Path self = Path.of(OwnJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(self) && self.toString().endsWith(".jar")
          ? Optional.of(self)
          : Optional.empty();
    } catch (URISyntaxException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** SHA-256 of the jar in hex, or "no-jar" without one; computed once per JVM. */
  public static String digest() {
    String d = digest;
    if (d == null) {
      d = path().map(OwnJar::sha256).orElse("no-jar");
      digest = d;
    }
    return d;
  }

  static String sha256(Path file) {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      return "unreadable-jar";
    }
  }
}
