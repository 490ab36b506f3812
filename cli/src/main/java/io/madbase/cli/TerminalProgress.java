package io.madbase.cli;

import io.madbase.driver.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress on stderr: on a terminal, one line rewritten in place while waiting; elsewhere (CI logs)
 * a line every few seconds, so a log shows what a slow step was waiting for.
 */
final class TerminalProgress implements Progress {
  private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
  private final PrintWriter err;
  private final boolean tty;
  private final boolean quiet;
  private final long start = System.nanoTime();
  private boolean lineOpen;
  private long lastLogged;

  TerminalProgress(PrintWriter err, boolean quiet) {
    this.err = err;
    this.tty = System.console() != null;
    this.quiet = quiet;
  }

  @Override
  public synchronized void step(String what) {
    if (quiet) {
      return;
    }
    closeLine();
    err.printf(Locale.ROOT, "[%5.1fs] %s%n", seconds(System.nanoTime() - start), what);
    err.flush();
    lastLogged = System.nanoTime();
  }

  @Override
  public synchronized void waiting(String what, Duration elapsed, String lastSeen) {
    if (quiet) {
      return;
    }
    String line =
        String.format(
            Locale.ROOT,
            "        waiting for %s: %.1fs (%s)",
            what,
            elapsed.toMillis() / 1000.0,
            lastSeen);
    if (tty) {
      err.print("\r\033[K" + line);
      lineOpen = true;
      err.flush();
    } else if (System.nanoTime() - lastLogged > LOG_EVERY_NANOS) {
      err.println(line);
      err.flush();
      lastLogged = System.nanoTime();
    }
  }

  @Override
  public synchronized void done(String what, Duration took) {
    if (quiet) {
      return;
    }
    closeLine();
    err.printf(
        Locale.ROOT,
        "[%5.1fs]   ok: %s (%.1fs)%n",
        seconds(System.nanoTime() - start),
        what,
        took.toMillis() / 1000.0);
    err.flush();
  }

  @Override
  public synchronized void note(String message) {
    if (quiet) {
      return;
    }
    closeLine();
    err.println("        " + message);
    err.flush();
  }

  private void closeLine() {
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
