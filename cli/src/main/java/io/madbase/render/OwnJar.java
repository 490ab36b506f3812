package io.madbase.render;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unreadable-jar";
    }
  }
}
