package io.madbase.driver;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An operating-system user: the one PostgreSQL runs as. PostgreSQL refuses to run as root, so when
 * madbase runs as root, Patroni and PostgreSQL drop to this user.
 */
public record OsUser(String name, int uid, String group, int gid, String home) {

  private static final boolean ROOT =
      lookup(System.getProperty("user.name")).map(u -> u.uid() == 0).orElse(false);

  public static boolean isRoot() {
    return ROOT;
  }

  public boolean isCurrent() {
    return name.equals(System.getProperty("user.name"));
  }

  /** The user madbase itself runs as. */
  public static OsUser current() {
    String name = System.getProperty("user.name");
    return lookup(name)
        .orElseThrow(() -> MadbaseException.environment("cannot look up the current user " + name));
  }

  /** The user PostgreSQL runs as: {@code configured} when root, else the current user. */
  public static OsUser forPostgres(String configured) {
    if (!isRoot()) {
      return current();
    }
    return lookup(configured)
        .orElseThrow(
            () ->
                MadbaseException.environment(
                    "user '"
                        + configured
                        + "' does not exist; PostgreSQL cannot run as root. Install postgresql-15 (it creates the user) or set local.postgres_user"));
  }

  /** Looks a user up with getent (passwd and group databases). */
  public static java.util.Optional<OsUser> lookup(String name) {
    String pw = run(List.of("getent", "passwd", name));
    if (pw == null || pw.isBlank()) {
      return java.util.Optional.empty();
    }
    String[] f = pw.strip().split(":");
    int gid = Integer.parseInt(f[3]);
    String gr = run(List.of("getent", "group", Integer.toString(gid)));
    String group = gr == null || gr.isBlank() ? Integer.toString(gid) : gr.strip().split(":")[0];
    return java.util.Optional.of(new OsUser(f[0], Integer.parseInt(f[2]), group, gid, f[5]));
  }

  /**
   * Whether this user can reach {@code dir} (search permission on it and every parent), asked of
   * the kernel by running {@code test -x} as the user.
   */
  public boolean canReach(Path dir) {
    if (isCurrent()) {
      return true;
    }
    try {
      Process p =
          new ProcessBuilder(
                  "setpriv",
                  "--reuid=" + name,
                  "--regid=" + group,
                  "--init-groups",
                  "--reset-env",
                  "test",
                  "-x",
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
