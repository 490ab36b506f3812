package io.madbase.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The commented default madbase.yaml shipped as a resource (a test proves it equals the defaults).
 */
final class DefaultSpecFile {
  static final String RESOURCE = "/io/madbase/stack/madbase.default.yaml";

  private DefaultSpecFile() {}

  static String text() {
    try (InputStream in = DefaultSpecFile.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
