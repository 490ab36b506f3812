package io.madbase.cli;

import io.madbase.load.LoadListener;
import io.madbase.load.LoadResult;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live line of a load run on stderr, every second: elapsed, the rate requests ended at in that
 * second, p99 so far, errors, late and not-sent so far, open connections. On a terminal the line is
 * rewritten in place; in a log each second is a line.
 */
final class LoadProgress implements LoadListener {
  private final PrintWriter err;
  private final boolean quiet;
  private final boolean tty = System.console() != null;
  private boolean lineOpen;

  LoadProgress(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  @Override
  public synchronized void connected(int requested, int established, Integer kernel) {
    if (quiet) {
      return;
    }
    err.printf(
        Locale.ROOT,
        "connections: requested %d, established %d (kernel: %s)%s%n",
        requested,
        established,
        kernel == null ? "n/a" : kernel,
        established < requested || (kernel != null && kernel < requested)
            ? "  *** FEWER THAN REQUESTED ***"
            : "");
    err.flush();
  }

  @Override
  public synchronized void second(LoadResult.Second s, Live live) {
    if (quiet) {
      return;
    }
    String line =
        String.format(
            Locale.ROOT,
            "[%5.0fs]%s %7.1f req/s  p99 %s so far  errors %d  late %d  not sent %d  conns %d",
            live.elapsedSeconds(),
            live.warmup() ? " warmup" : "",
            s.rate(),
            io.madbase.load.LoadReport.ms(live.p99SoFar()),
            live.errorsSoFar(),
            live.lateSoFar(),
            live.notSentSoFar(),
            s.openConnections());
    if (tty) {
      err.print("\r\033[K" + line);
      lineOpen = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends an in-place line before other output. */
  synchronized void close() {
    if (lineOpen) {
      err.println();
      err.flush();
      lineOpen = false;
    }
  }

  synchronized void note(String message) {
    if (!quiet) {
      close();
      err.println(message);
      err.flush();
    }
  }
}
