package io.madbase.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches one process on this machine (the gateway) during a run, from {@code /proc/<pid>}:
 * resident memory, threads, CPU time. Sampled every second; the peaks are what a "does it run out
 * of memory or threads" question needs.
 */
public final class ProcessWatch implements AutoCloseable {
  /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every platform it runs on. */
  private static final double TICKS_PER_SECOND = 100;

  /**
   * @param pid the process
   * @param rssBeforeMib resident memory before the run, MiB
   * @param rssPeakMib most resident memory seen during the run
   * @param rssAfterMib after it
   * @param threadsBefore threads before the run
   * @param threadsPeak most threads seen
   * @param threadsAfter after it
   * @param cpuSeconds CPU time (user + system) the process used during the run
   */
  public record Result(
      long pid,
      double rssBeforeMib,
      double rssPeakMib,
      double rssAfterMib,
      int threadsBefore,
      int threadsPeak,
      int threadsAfter,
      double cpuSeconds) {}

  private record Status(double rssMib, int threads, long cpuTicks) {}

  private final long pid;
  private final Status before;
  private volatile double rssPeak;
  private volatile int threadsPeak;
  private volatile boolean running = true;
  private final Thread sampler;

  private ProcessWatch(long pid, Status before) {
    this.pid = pid;
    this.before = before;
    this.rssPeak = before.rssMib();
    this.threadsPeak = before.threads();
    this.sampler = new Thread(this::loop, "loadtest-process-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts watching {@code pid}; null when /proc does not show it. */
  public static ProcessWatch start(long pid) {
    Status s = read(pid);
    return s == null ? null : new ProcessWatch(pid, s);
  }

  private void loop() {
    while (running) {
      LockSupport.parkNanos(1_000_000_000L);
      Status s = read(pid);
      if (s != null) {
        rssPeak = Math.max(rssPeak, s.rssMib());
        threadsPeak = Math.max(threadsPeak, s.threads());
      }
    }
  }

  /** Stops watching and returns what was seen. */
  public Result stop() {
    running = false;
    sampler.interrupt();
    Status after = read(pid);
    if (after == null) {
      after = new Status(0, 0, before.cpuTicks());
    }
    return new Result(
        pid,
        before.rssMib(),
        Math.max(rssPeak, after.rssMib()),
        after.rssMib(),
        before.threads(),
        Math.max(threadsPeak, after.threads()),
        after.threads(),
        (after.cpuTicks() - before.cpuTicks()) / TICKS_PER_SECOND);
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }

  private static Status read(long pid) {
    try {
      double rss = 0;
      int threads = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("\\D+", ""));
        }
      }
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return new Status(rss, threads, ticks);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
