package io.madbase.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.Json;
import io.madbase.common.Processes;
import io.madbase.common.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A process madbase started, identified by its PID <em>and</em> its start time, so that a PID the
 * kernel has since given to another process is never signalled. Saved as a small JSON pid file.
 *
 * @param pid the process id
 * @param startedAt the kernel's start time of the process (from /proc), to tell reuse apart
 * @param command what it runs, for messages
 */
public record ManagedProcess(long pid, Instant startedAt, String command) {

  private static final ObjectMapper JSON = Json.mapper();

  /** Describes a running process; empty when it is already gone. */
  public static Optional<ManagedProcess> of(long pid, String command) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().startInstant())
        .map(start -> new ManagedProcess(pid, start, command));
  }

  /** The live process this record describes, if it is still the same one. */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> !Processes.zombie(pid))
        .filter(h -> h.info().startInstant().map(startedAt::equals).orElse(false));
  }

  public boolean alive() {
    return handle().isPresent();
  }

  /**
   * Sends {@code signal}; returns false if the process is gone (or the PID now belongs to another
   * process, which is left alone).
   */
  public boolean signal(Signal signal) {
    Optional<ProcessHandle> h = handle();
    if (h.isEmpty()) {
      return false;
    }
    switch (signal) {
      case TERM -> h.get().destroy();
      case KILL -> h.get().destroyForcibly();
      default -> Processes.signal(signal, List.of(pid));
    }
    return true;
  }

  /**
   * Waits up to {@code timeout} for the process to exit; true if it did. Polls every 20 ms:
   * ProcessHandle.onExit() on a process that is not our child backs off to long sleeps.
   */
  public boolean awaitExit(Duration timeout) {
    return Processes.awaitExit(pid, timeout) || !alive();
  }

  /**
   * Stops the process: {@code signal}, then SIGKILL if it has not exited within {@code grace}.
   * Returns true if it had to be killed.
   */
  public boolean stop(Signal signal, Duration grace) {
    if (!signal(signal)) {
      return false;
    }
    // a frozen (SIGSTOPped) process acts on the signal only once it runs again: a chaos run that
    // was cut off in the middle of a freeze must not turn a clean stop into a SIGKILL
    signal(Signal.CONT);
    if (awaitExit(grace)) {
      return false;
    }
    signal(Signal.KILL);
    awaitExit(Duration.ofSeconds(5));
    return true;
  }

  public void save(Path pidFile) throws IOException {
    Files.createDirectories(pidFile.getParent());
    Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(this));
    Files.move(
        tmp,
        pidFile,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a pid file; empty when there is none or it cannot be read. */
  public static Optional<ManagedProcess> load(Path pidFile) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(pidFile.toFile(), ManagedProcess.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
