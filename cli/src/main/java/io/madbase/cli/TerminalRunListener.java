package io.madbase.cli;

import io.madbase.chaos.Event;
import io.madbase.chaos.RunListener;
import io.madbase.chaos.RunResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;

/** The live view of a chaos run on stderr: steps, what the watchers see, phases as they happen. */
final class TerminalRunListener implements RunListener {
  private static final Set<String> SHOWN =
      Set.of(
          Event.FAULT,
          Event.LEADER_KEY_DELETED,
          Event.LEADER_KEY_SET,
          Event.PATRONI_ROLE,
          Event.SPLIT_BRAIN,
          Event.REPLICATION_LAG,
          Event.NO_PROMOTABLE_REPLICA,
          Event.HAPROXY_PRIMARY,
          Event.SENTINEL_MASTER,
          Event.PROCESS_EXITED,
          Event.READY,
          Event.LISTENER_CLOSED,
          Event.POSTMASTER,
          Event.ETCD_MEMBER,
          Event.ETCD_LEADER,
          Event.WORKER_STARTED,
          Event.ROLLBACK,
          Event.STALE_ROUTE);
  private final PrintWriter err;
  private final boolean quiet;
  private final long start = System.nanoTime();

  TerminalRunListener(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  @Override
  public synchronized void step(String what) {
    if (!quiet) {
      err.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, what);
      err.flush();
    }
  }

  @Override
  public synchronized void event(Event e, double sinceFault) {
    if (quiet || !SHOWN.contains(e.kind()) || sinceFault < 0) {
      return;
    }
    err.printf(
        Locale.ROOT,
        "          %+7.2fs %-8s %s%s%s%n",
        sinceFault,
        e.source(),
        e.kind().replace('_', ' '),
        e.subject().isEmpty() ? "" : " " + e.subject(),
        e.detail().isEmpty() ? "" : ": " + e.detail());
    err.flush();
  }

  @Override
  public synchronized void phase(RunResult.PhaseResult p) {
    if (!quiet) {
      err.printf(
          Locale.ROOT,
          "          %+7.2fs PHASE    %s (predicted %s, %s)%n",
          p.atSeconds(),
          p.label(),
          p.predicted(),
          Boolean.TRUE.equals(p.withinPrediction()) ? "within" : "outside");
      err.flush();
    }
  }

  @Override
  public synchronized void tick(String probesLine) {
    if (!quiet) {
      err.println("          probes: " + probesLine);
      err.flush();
    }
  }
}
