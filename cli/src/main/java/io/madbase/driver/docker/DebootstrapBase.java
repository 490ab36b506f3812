package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import io.madbase.MadbaseException;
import io.madbase.driver.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian release (docker.debian: bookworm, trixie) from Debian's own packages, for an engine that
 * has no base image and no registry to pull one from: {@code debootstrap --variant=minbase SUITE}
 * into a temporary folder, then the folder as a tar into the engine's image import, under the base
 * image's name. About 40-80 s on 2 cores.
 */
final class DebootstrapBase {
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  static final String DEBOOTSTRAP = "/usr/sbin/debootstrap";

  private final DockerClient api;
  private final String suite;
  private final String mirror;
  private final Path logDir;
  private final Progress progress;

  DebootstrapBase(DockerClient api, String suite, String mirror, Path logDir, Progress progress) {
    this.api = api;
    this.suite = suite;
    this.mirror = mirror;
    this.logDir = logDir;
    this.progress = progress;
  }

  void build(String image) {
    if (!Files.isExecutable(Path.of(DEBOOTSTRAP))) {
      throw MadbaseException.environment(
          "the base image "
              + image
              + " is missing and cannot be pulled, and debootstrap (to build it from Debian's"
              + " packages) is not installed\n  fix: scripts/install-deps.sh (or apt-get install"
              + " debootstrap)");
    }
    Path log = logDir.resolve("build-base.log");
    Path root = null;
    long t0 = System.nanoTime();
    progress.step(
        "building the base image "
            + image
            + " from Debian "
            + suite
            + "'s packages with debootstrap (about a minute; log: "
            + log
            + ")");
    try {
      Files.createDirectories(logDir);
      root = Files.createTempDirectory(Path.of("/var/tmp"), "madbase-rootfs-");
      run(
          List.of(DEBOOTSTRAP, "--variant=minbase", suite, root.toString(), mirror),
          log,
          "debootstrap");
      importTar(root, image, log);
    } catch (IOException e) {
      throw MadbaseException.environment(
          "building the base image failed: " + e.getMessage() + " (log: " + log + ")");
    } finally {
      if (root != null) {
        removeRoot(root);
      }
    }
    progress.done("base image " + image, Duration.ofNanos(System.nanoTime() - t0));
  }

  private static void run(List<String> command, Path log, String step) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw MadbaseException.environment(
            step + " did not finish within " + TIMEOUT.toMinutes() + " min (log: " + log + ")");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw MadbaseException.environment("interrupted during " + step);
    }
    if (p.exitValue() != 0) {
      throw MadbaseException.environment(
          step
              + " failed (exit "
              + p.exitValue()
              + "); the mirror is docker.debian_mirror ("
              + "see the end of "
              + log
              + ")");
    }
  }

  /**
   * The tree as a tar (numeric owners kept), built into an image {@code FROM scratch}: the engine
   * unpacks it as the image's one layer. (Its import endpoint would do the same, but docker-java's
   * zerodep transport sends that body so the engine reads it as cut short: "unexpected EOF".)
   */
  private void importTar(Path root, String image, Path log) throws IOException {
    Path context = Files.createTempDirectory(Path.of("/var/tmp"), "madbase-base-");
    try {
      run(
          List.of(
              "tar",
              "--numeric-owner",
              "-C",
              root.toString(),
              "-cf",
              context.resolve("rootfs.tar").toString(),
              "."),
          log,
          "tar of the debootstrap tree");
      Files.writeString(
          context.resolve("Dockerfile"),
          "# Debian "
              + suite
              + " (minbase) from Debian's packages, built by madbase with debootstrap\n"
              + "FROM scratch\nADD rootfs.tar /\n"
              + "LABEL io.madbase.built-by=debootstrap\nCMD [\"bash\"]\n");
      try {
        api.buildImageCmd(context.toFile())
            .withTags(java.util.Set.of(image))
            .withPull(false)
            .withRemove(true)
            .exec(new com.github.dockerjava.api.command.BuildImageResultCallback())
            .awaitImageId(ImageBuilder.BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        throw MadbaseException.environment(
            "making the image " + image + " from the debootstrap tree failed: " + e.getMessage());
      }
    } finally {
      ImageBuilder.deleteTree(context);
    }
  }

  /**
   * Removes the debootstrap tree, unless something is still mounted inside it (debootstrap mounts
   * /proc and /sys there while it works): deleting through a mount would reach the host's files.
   */
  private void removeRoot(Path root) {
    try {
      String mounts = Files.readString(Path.of("/proc/self/mounts"));
      if (mounts.contains(" " + root + "/")) {
        progress.note(
            "left " + root + " in place: something is still mounted inside it (umount it first)");
        return;
      }
      ImageBuilder.deleteTree(root);
    } catch (IOException e) {
      progress.note("could not remove " + root + ": " + e.getMessage());
    }
  }
}
