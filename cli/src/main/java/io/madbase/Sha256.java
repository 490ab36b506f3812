package io.madbase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex: names made from content (images, jar copies, state directories). */
public final class Sha256 {
  private Sha256() {}

  /** The first {@code bytes} bytes of the digest of {@code text} (UTF-8), in hex. */
  public static String of(String text, int bytes) {
    return HexFormat.of()
        .formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
  }

  /** The whole digest of a file's content, in hex, read in blocks (a jar is tens of MB). */
  public static String of(Path file) throws IOException {
    MessageDigest md = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
