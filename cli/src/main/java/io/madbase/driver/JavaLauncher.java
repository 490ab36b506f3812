package io.madbase.driver;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The command that runs madbase's own classes in a new JVM (the gateway and the workers are madbase
 * subcommands): this JVM's java binary and classpath. A manifest-only classpath jar (as Maven's
 * test runners use) is expanded, so the child does not depend on a temporary file.
 *
 * <p>When madbase runs from its jar, the children run from a copy of it in the state directory,
 * named by its content: the launcher rebuilds cli/target/madbase.jar whenever a source changes, and
 * a JVM whose jar is replaced under it fails to load classes (seen as a gateway spinning in
 * NoClassDefFoundError). A copy is never overwritten, so every running member keeps its own.
 */
public final class JavaLauncher {
  private JavaLauncher() {}

  public static List<String> command(List<String> jvmOptions, Path libDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(privateCopy(classpath(), libDir));
    return cmd;
  }

  private static String privateCopy(String classpath, Path libDir) {
    if (classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar")) {
      return classpath;
    }
    Path jar = Path.of(classpath);
    try {
      Path copy = libDir.resolve("madbase-" + io.madbase.Sha256.of(jar).substring(0, 12) + ".jar");
      if (!Files.exists(copy)) {
        Files.createDirectories(libDir);
        Path tmp = Files.createTempFile(libDir, ".madbase", ".jar");
        Files.copy(jar, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return copy.toString();
    } catch (IOException e) {
      return classpath;
    }
  }

  static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (e.isBlank()) {
        continue;
      }
      entries.add(Path.of(e).toAbsolutePath().toString());
      entries.addAll(manifestClassPath(Path.of(e)));
    }
    return String.join(File.pathSeparator, entries);
  }

  private static List<String> manifestClassPath(Path jar) {
    List<String> out = new ArrayList<>();
    if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
      return out;
    }
    try (JarFile jf = new JarFile(jar.toFile())) {
      Manifest m = jf.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
      if (cp == null) {
        return out;
      }
      for (String u : cp.trim().split("\\s+")) {
        try {
          Path p =
              u.startsWith("file:") ? Path.of(java.net.URI.create(u)) : jar.getParent().resolve(u);
          out.add(p.toAbsolutePath().toString());
        } catch (IllegalArgumentException e) {
          // not a file URL: not something a child JVM could load either
        }
      }
    } catch (IOException e) {
      // an unreadable jar adds nothing
    }
    return out;
  }
}
