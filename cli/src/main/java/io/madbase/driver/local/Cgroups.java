package io.madbase.driver.local;

import io.madbase.common.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Each member's network identity on loopback: a cgroup v2 directory its processes are started in
 * ({@code <cgroup2>/madbase/<stack-id>/<member>}). Every member's outgoing connections leave from
 * 127.0.0.1, so an address does not tell them apart; the cgroup of the socket does, and nft matches
 * it ({@code socket cgroupv2}). A socket keeps the cgroup it was created in, so a member must be
 * started inside its directory (moving a running process leaves its connections where they were);
 * its children (the postmaster Patroni starts, and its backends) inherit it.
 *
 * <p>Where the cgroup v2 hierarchy is mounted differs: {@code /sys/fs/cgroup} on a unified system,
 * {@code /sys/fs/cgroup/unified} on a hybrid one (Debian 12 here). nft resolves a {@code socket
 * cgroupv2} path under {@code /sys/fs/cgroup} and compares the socket's ancestor at the given
 * level, so both are derived from the mount point found in {@code /proc/self/mounts}.
 */
final class Cgroups {
  private static final Path NFT_BASE = Path.of("/sys/fs/cgroup");

  private final Path mount;
  private final String stackId;

  private Cgroups(Path mount, String stackId) {
    this.mount = mount;
    this.stackId = stackId;
  }

  /** The cgroup v2 mount, if there is one and madbase may create directories in it (root). */
  static Optional<Cgroups> forStack(String stackId) {
    return mountPoint().filter(m -> Files.isWritable(m)).map(m -> new Cgroups(m, stackId));
  }

  /** Where cgroup v2 is mounted ({@code /proc/self/mounts}), if it is. */
  static Optional<Path> mountPoint() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines
          .map(l -> l.split(" "))
          .filter(f -> f.length > 2 && f[2].equals("cgroup2"))
          .map(f -> Path.of(f[1]))
          .filter(p -> p.startsWith(NFT_BASE))
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  Path stackDir() {
    return mount.resolve("madbase").resolve(stackId);
  }

  /** The member's directory, created if needed: write a PID to its cgroup.procs to move it in. */
  Path dirFor(String member) throws IOException {
    Path d = stackDir().resolve(member);
    Files.createDirectories(d);
    return d;
  }

  boolean exists(String member) {
    return Files.isDirectory(stackDir().resolve(member));
  }

  /** The PIDs in the member's directory now. */
  List<Long> pids(String member) {
    try {
      return Files.readAllLines(stackDir().resolve(member).resolve("cgroup.procs")).stream()
          .filter(s -> !s.isBlank())
          .map(s -> Long.parseLong(s.strip()))
          .toList();
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }

  /** The path nft wants: relative to /sys/fs/cgroup ("unified/madbase/<id>/pg1" here). */
  String nftPath(String member) {
    return NFT_BASE.relativize(stackDir().resolve(member)).toString();
  }

  /** The member directory's depth below the cgroup v2 root: nft's {@code level}. */
  int nftLevel() {
    return mount.relativize(stackDir()).getNameCount() + 1;
  }

  /**
   * Removes the member directories once no process is left in them, then the stack's and madbase's
   * own if empty. A process that was just stopped leaves its directory only when it has been reaped
   * (its {@code cgroup.events} says {@code populated 0} then), so this waits up to {@code settle}
   * for every member directory to empty. A directory that still holds a process after that stays
   * (rmdir refuses it): the answer names it with the PIDs left in it.
   */
  List<String> removeEmpty(Duration settle) {
    List<String> kept = new java.util.ArrayList<>();
    Path stack = stackDir();
    if (!Files.isDirectory(stack)) {
      return kept;
    }
    List<Path> members;
    try (Stream<Path> s = Files.list(stack)) {
      members = s.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      return List.of(stack.toString());
    }
    try {
      Wait.until(
          "the stack's cgroups to empty",
          settle,
          Duration.ofMillis(50),
          () -> {
            List<String> busy =
                members.stream()
                    .filter(Cgroups::populated)
                    .map(d -> d.getFileName().toString())
                    .toList();
            return busy.isEmpty() ? null : String.join(", ", busy) + " still hold processes";
          });
    } catch (Wait.TimedOut e) {
      // what is still populated is named below, with its PIDs
    }
    for (Path d : members) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        String member = d.getFileName().toString();
        kept.add(member + " (PIDs " + pids(member) + ")");
      }
    }
    try {
      Files.deleteIfExists(stack);
      Files.deleteIfExists(stack.getParent());
    } catch (IOException e) {
      // another stack's directory is still there, or a member's
    }
    return kept;
  }

  /** Whether a process is in the directory or below it ({@code cgroup.events}). */
  private static boolean populated(Path dir) {
    try {
      return Files.readAllLines(dir.resolve("cgroup.events")).contains("populated 1");
    } catch (IOException e) {
      return false;
    }
  }
}
