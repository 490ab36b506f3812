package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.madbase.MadbaseException;
import io.madbase.driver.Progress;
import io.madbase.render.Images;
import io.madbase.stack.DebianRelease;
import io.madbase.stack.StackSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes sure a stack's images exist on the engine. The base ({@code docker.base_image}, by default
 * {@code debian:<docker.debian>}) is used when present, pulled when a registry answers, and
 * otherwise, for the default name, built from Debian's packages with debootstrap and imported under
 * that name. Each role's image is built from its rendered folder unless an image of its name (which
 * carries the hash of what went into it) exists already: built once per machine, reused after.
 */
final class ImageBuilder {
  static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

  private final DockerClient api;
  private final StackSpec spec;
  private final Path composeDir;
  private final Path logDir;
  private final Progress progress;

  ImageBuilder(DockerClient api, StackSpec spec, Path composeDir, Path logDir, Progress progress) {
    this.api = api;
    this.spec = spec;
    this.composeDir = composeDir;
    this.logDir = logDir;
    this.progress = progress;
  }

  /** Every image in {@code needed}, the base first if any must be built. */
  void ensure(Set<Images> needed) {
    List<Images> missing = needed.stream().sorted().filter(i -> !exists(i.tag(spec))).toList();
    if (missing.isEmpty()) {
      return;
    }
    ensureBase();
    for (Images image : missing) {
      build(image);
    }
  }

  boolean exists(String image) {
    return exists(api, image);
  }

  static boolean exists(DockerClient api, String image) {
    try {
      api.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private void ensureBase() {
    String base = spec.docker().baseImage();
    if (exists(base)) {
      return;
    }
    progress.step("base image " + base + " is not on this engine: trying to pull it");
    if (pull(base)) {
      return;
    }
    DebianRelease release = DebianRelease.of(spec.docker());
    if (!base.equals(release.baseImage())) {
      throw MadbaseException.environment(
          "the base image "
              + base
              + " (docker.base_image) is neither on this engine nor can it be pulled\n"
              + "  fix: load it (docker load / docker pull), or leave docker.base_image unset:"
              + " madbase then builds Debian "
              + release.codename()
              + " (docker.debian) from Debian's packages with debootstrap");
    }
    new DebootstrapBase(api, release.codename(), spec.docker().debianMirror(), logDir, progress)
        .build(base);
  }

  private boolean pull(String image) {
    int colon = image.lastIndexOf(':');
    String repo = colon > 0 ? image.substring(0, colon) : image;
    String tag = colon > 0 ? image.substring(colon + 1) : "latest";
    try {
      return api.pullImageCmd(repo)
              .withTag(tag)
              .exec(new PullImageResultCallback())
              .awaitCompletion(120, TimeUnit.SECONDS)
          && exists(image);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MadbaseException.environment("interrupted while pulling " + image);
    } catch (RuntimeException e) {
      progress.note("cannot pull " + image + ": " + firstLine(e.getMessage()));
      return false;
    }
  }

  private void build(Images image) {
    String tag = image.tag(spec);
    Path context = composeDir.resolve(image.dir());
    Path log = logDir.resolve("build-" + image.name().toLowerCase() + ".log");
    progress.step(
        "building image "
            + tag
            + " from Debian's packages"
            + (image == Images.POSTGRES ? " (about 30 s the first time)" : ""));
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(logDir);
      try (PrintWriter out =
          new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
        String id =
            api.buildImageCmd(context.toFile())
                .withTags(Set.of(tag))
                .withPull(false)
                .withRemove(true)
                .withLabels(Map.of("io.madbase.image", image.name().toLowerCase()))
                .exec(
                    new BuildImageResultCallback() {
                      @Override
                      public void onNext(BuildResponseItem item) {
                        if (item.getStream() != null) {
                          out.print(item.getStream());
                        }
                        if (item.getErrorDetail() != null) {
                          out.println("ERROR: " + item.getErrorDetail().getMessage());
                        }
                        super.onNext(item);
                      }
                    })
                .awaitImageId(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        out.println("built " + id);
      }
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + log + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw MadbaseException.environment(
          "building image "
              + tag
              + " failed at: "
              + lastStep(log)
              + "\n  "
              + firstLine(e.getMessage())
              + "\n  the whole build output: "
              + log);
    }
    progress.done("image " + tag, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The last "Step N/M : ..." line the build printed. */
  private static String lastStep(Path log) {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines
          .filter(l -> l.startsWith("Step "))
          .reduce((a, b) -> b)
          .map(l -> l.length() > 160 ? l.substring(0, 160) + "..." : l)
          .orElse("(before its first step)");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(no build output)";
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  /** Deletes a directory tree (a debootstrap target), never following links out of it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Reads a process's output whole (small outputs only). */
  static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
