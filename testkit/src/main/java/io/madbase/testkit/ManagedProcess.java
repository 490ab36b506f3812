package io.madbase.testkit;

import io.madbase.common.Processes;
import io.madbase.common.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process started by a fixture: stopped by its PID on {@link #close()}, and by a JVM
 * shutdown hook as a backstop when a test run dies before closing it.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(ManagedProcess::kill), "testkit-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command}, its stdout and stderr appended to {@code logFile}. */
  public static ManagedProcess start(String name, List<String> command, Path logFile) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      ManagedProcess mp = new ManagedProcess(name, p, logFile);
      LIVE.add(mp);
      log.debug("started {} (pid {}): {}", name, p.pid(), command);
      return mp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String name() {
    return name;
  }

  /** The last lines of the process's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Sends a signal such as {@code INT} or {@code TERM} to the process (by PID). */
  public void signal(String signal) {
    Processes.signal(Signal.parse(signal), List.of(pid()));
  }

  /**
   * Waits for the process to exit after a signal; kills it when it does not within {@code grace}.
   */
  public void stop(String signal, Duration grace) {
    if (!process.isAlive()) {
      LIVE.remove(this);
      return;
    }
    signal(signal);
    if (!waitFor(grace)) {
      log.warn(
          "{} (pid {}) did not exit within {} ms of SIG{}: killing it",
          name,
          pid(),
          grace.toMillis(),
          signal);
      kill();
    }
    LIVE.remove(this);
  }

  /** SIGKILL to the process and every descendant it has (a crash, not a stop). */
  public void kill() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    waitFor(Duration.ofSeconds(5));
    LIVE.remove(this);
  }

  public boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    stop("TERM", Duration.ofSeconds(10));
  }
}
