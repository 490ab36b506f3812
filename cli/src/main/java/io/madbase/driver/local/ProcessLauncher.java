package io.madbase.driver.local;

import io.madbase.driver.ManagedProcess;
import io.madbase.driver.OsUser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the stack's members as detached processes: in their own session (setsid, so a closed
 * terminal does not take them down), stdin from /dev/null, output appended to their log file, and,
 * for PostgreSQL when madbase runs as root, as the unprivileged user (setpriv). Both setsid and
 * setpriv exec in place, so the PID returned is the member's own (docs/running-natively.md,
 * "PostgreSQL and Patroni").
 */
public final class ProcessLauncher {
  private final OsUser runAs;

  /**
   * @param runAs the user PostgreSQL runs as, or {@link OsUser#current()} when not root
   */
  public ProcessLauncher(OsUser runAs) {
    this.runAs = runAs;
  }

  /**
   * Starts {@code command}; {@code asPostgresUser} drops privileges for PostgreSQL/Patroni.
   *
   * @param env the environment: exactly these variables (plus PATH/HOME/LANG), nothing inherited
   * @param cgroup the member's cgroup v2 directory, or null: the process moves itself there before
   *     it execs the command, so every socket it and its children open belongs to it (Cgroups)
   */
  public ManagedProcess start(
      String name,
      List<String> command,
      Map<String, String> env,
      Path logFile,
      Path workDir,
      boolean asPostgresUser,
      Path cgroup)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (cgroup != null) {
      // sh writes its own PID, then execs: the PID stays the member's through setsid and setpriv.
      // A host that refuses the move still gets its member; a partition step then refuses (it
      // checks that the member is in its cgroup)
      cmd.addAll(
          List.of(
              "/bin/sh",
              "-c",
              "echo $$ > \"$0/cgroup.procs\" 2>/dev/null; exec \"$@\"",
              cgroup.toString()));
    }
    cmd.add("setsid");
    if (asPostgresUser && OsUser.isRoot() && !runAs.isCurrent()) {
      cmd.addAll(
          List.of(
              "setpriv",
              "--reuid=" + runAs.name(),
              "--regid=" + runAs.group(),
              "--init-groups",
              "--reset-env"));
    }
    cmd.addAll(command);
    Files.createDirectories(logFile.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> e = pb.environment();
    String path = e.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    e.clear();
    e.put("PATH", path + ":/usr/sbin:/sbin");
    e.put("LANG", "C.UTF-8");
    e.put("HOME", asPostgresUser ? runAs.home() : System.getProperty("user.home"));
    e.putAll(env);
    pb.directory(workDir.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Process p = pb.start();
    return ManagedProcess.of(p.pid(), name)
        .orElseThrow(() -> new IOException(name + " exited at once; see " + logFile));
  }
}
