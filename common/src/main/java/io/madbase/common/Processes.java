package io.madbase.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes by their PID: whether one runs, signalling one or many, waiting for one to exit. The
 * one place madbase does this, for the members the CLI starts and the servers test fixtures start.
 */
public final class Processes {
  private Processes() {}

  /** Whether a process with this PID is running (not gone, not a zombie). */
  public static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }

  /**
   * A process that has exited but not been reaped yet (state Z in /proc) counts as gone: members
   * are reparented to PID 1 once madbase exits, and PID 1 may reap late.
   */
  public static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends {@code signal} to every process in {@code pids} with one {@code kill}, so that they get
   * it within microseconds of each other. PIDs that are gone are skipped by kill; returns false if
   * none of them runs afterwards (none was there to signal, or the signal ended them all).
   */
  public static boolean signal(Signal signal, Collection<Long> pids) {
    if (pids.isEmpty()) {
      return false;
    }
    List<String> cmd = new ArrayList<>(List.of("kill", "-s", signal.name()));
    pids.forEach(pid -> cmd.add(Long.toString(pid)));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      // kill exits 1 when any PID was gone, having signalled the others
      return p.waitFor(5, TimeUnit.SECONDS) && pids.stream().anyMatch(Processes::running);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits up to {@code timeout} for {@code pid} to exit; true if it did. Polls every 20 ms:
   * ProcessHandle.onExit() on a process that is not our child backs off to long sleeps.
   */
  public static boolean awaitExit(long pid, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (running(pid)) {
      if (System.nanoTime() >= end) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !running(pid);
      }
    }
    return true;
  }
}
