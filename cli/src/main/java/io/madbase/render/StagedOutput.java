package io.madbase.render;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A render written all or nothing (issue 13, item 6): every file goes first into a staging folder
 * beside the output (in its nearest existing ancestor, so that moving a file out of it is a
 * rename), the places they go to are checked, and only then is each moved into place. A render that
 * fails while writing leaves the output as it was; the staging folder goes in every case. Files
 * already in the output that this render does not write are left alone (the output can be a folder
 * of the user's).
 */
public final class StagedOutput implements AutoCloseable {
  private final Path outDir;
  private final Path stage;

  private StagedOutput(Path outDir, Path stage) {
    this.outDir = outDir;
    this.stage = stage;
  }

  /** A staging folder for {@code outDir}; nothing is created in or above {@code outDir} yet. */
  public static StagedOutput beside(Path outDir) {
    Path out = outDir.toAbsolutePath().normalize();
    Path existing = out;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw MadbaseException.environment(
          "cannot write to "
              + out
              + ": "
              + (existing == null ? "no folder above it exists" : existing + " is not a folder"));
    }
    Path within = existing; // the output itself when it exists: it is written to anyway
    try {
      return new StagedOutput(out, Files.createTempDirectory(within, ".madbase-render-"));
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot write in " + within + ": " + io.madbase.IoReason.at(e));
    }
  }

  /** Where a file that belongs at {@code outDir/relative} is written first. */
  public Path staged(String relative) {
    return stage.resolve(relative);
  }

  /** Writes {@code files} (paths relative to {@code dir}, itself relative to the output). */
  public void write(List<RenderedFile> files, String dir) {
    StackRenderer.write(files, dir.isEmpty() ? stage : stage.resolve(dir));
  }

  /**
   * Checks that every staged file can take its place: nothing in the way is a folder where a file
   * goes, or a file where a folder goes. Throws (exit 3) naming the first such place.
   */
  public void checkPlaces() {
    for (Path f : stagedFiles()) {
      Path dest = outDir.resolve(stage.relativize(f).toString());
      if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
        throw MadbaseException.environment(
            "cannot write " + dest + ": a folder is in the way (nothing was written)");
      }
      for (Path p = dest.getParent(); p != null; p = p.getParent()) {
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw MadbaseException.environment(
              "cannot write " + dest + ": " + p + " is a file, not a folder (nothing was written)");
        }
      }
    }
  }

  /** Moves every staged file into place; the number of files. */
  public int commit() {
    List<Path> files = stagedFiles();
    for (Path f : files) {
      Path dest = outDir.resolve(stage.relativize(f).toString());
      try {
        Files.createDirectories(dest.getParent());
        try {
          Files.move(f, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw MadbaseException.environment(
            "cannot write " + dest + ": " + io.madbase.IoReason.of(e));
      }
    }
    return files.size();
  }

  private List<Path> stagedFiles() {
    try (Stream<Path> s = Files.walk(stage)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw MadbaseException.environment("cannot read " + stage + ": " + io.madbase.IoReason.of(e));
    }
  }

  /** Removes the staging folder and whatever is left in it. */
  @Override
  public void close() {
    if (!Files.exists(stage)) {
      return;
    }
    try (Stream<Path> s = Files.walk(stage)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException e) {
          // a file appeared in it meanwhile: leave the folder rather than fail the render
        }
      }
    } catch (IOException e) {
      // best effort: a hidden .madbase-render-* folder left behind does no harm
    }
  }
}
