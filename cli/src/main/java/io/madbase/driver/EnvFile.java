package io.madbase.driver;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rendered {@code KEY=value} file (etcd's flags, the gateway's settings), as Compose reads one.
 */
public final class EnvFile {
  private EnvFile() {}

  public static Map<String, String> read(Path file) {
    try {
      Map<String, String> env = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq > 0) {
          env.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
      }
      return env;
    } catch (IOException e) {
      throw MadbaseException.environment("cannot read " + file + ": " + e.getMessage());
    }
  }
}
