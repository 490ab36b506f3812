package io.madbase.report;

import io.madbase.Json;
import io.madbase.MadbaseException;
import io.madbase.chaos.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a run's reports: JSON (machine), Markdown (CI summary), JUnit XML (CI tests), HTML+SVG.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Writes the reports of {@code runs} (one, or a --repeat series) into {@code dir}; returns the
   * files written.
   */
  public static List<Path> write(List<RunResult> runs, Path dir) {
    List<Path> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      if (runs.size() == 1) {
        out.addAll(one(runs.get(0), dir));
      } else {
        for (int i = 0; i < runs.size(); i++) {
          out.addAll(one(runs.get(i), dir.resolve("run-" + (i + 1))));
        }
        RepeatSummary summary = RepeatSummary.of(runs);
        out.add(write(dir.resolve("summary.md"), summary.markdown()));
        out.add(write(dir.resolve("summary.json"), Json.write(summary)));
      }
      out.add(write(dir.resolve("junit.xml"), JunitReport.render(runs)));
      return out;
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write reports to " + dir + ": " + e.getMessage());
    }
  }

  private static List<Path> one(RunResult r, Path dir) throws IOException {
    Files.createDirectories(dir);
    return List.of(
        write(dir.resolve("report.json"), Json.write(r)),
        write(dir.resolve("report.md"), MarkdownReport.render(r)),
        write(dir.resolve("report.html"), HtmlReport.render(r)));
  }

  private static Path write(Path p, String content) throws IOException {
    Files.writeString(p, content);
    return p;
  }
}
