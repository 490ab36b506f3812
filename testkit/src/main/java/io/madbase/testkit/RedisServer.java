package io.madbase.testkit;

import io.madbase.common.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real redis-server on 127.0.0.1 and a free port, no persistence, optionally with a password. */
public final class RedisServer implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String password;
  private final boolean ownsDir;
  private ManagedProcess process;
  private boolean closed;

  private RedisServer(Path dir, boolean ownsDir, int port, String password) {
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.port = port;
    this.password = password;
  }

  /** A standalone server; {@code password} may be null for none. */
  public static RedisServer start(String password) {
    return start(TempDirs.create("testkit-redis-"), true, password, List.of());
  }

  static RedisServer start(Path dir, boolean ownsDir, String password, List<String> extraArgs) {
    RedisServer r = new RedisServer(dir, ownsDir, FreePorts.next(), password);
    try {
      r.startProcess(extraArgs);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private void startProcess(List<String> extraArgs) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Binaries.onPath("redis-server", "redis-server").toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                FreePorts.HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--protected-mode",
                "no"));
    if (password != null) {
      cmd.addAll(List.of("--requirepass", password, "--masterauth", password));
    }
    cmd.addAll(extraArgs);
    process = ManagedProcess.start("redis:" + port, cmd, dir.resolve("redis-" + port + ".log"));
    Wait.until(
        "redis on port " + port,
        Duration.ofSeconds(20),
        Duration.ofMillis(50),
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited:\n" + process.logTail());
          }
          return "PONG".equals(RedisCommand.send(port, password, "PING")) ? null : "no PONG";
        });
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** {@code redis://[:password@]127.0.0.1:port/0}. */
  public String url() {
    return "redis://"
        + (password == null ? "" : ":" + password + "@")
        + FreePorts.HOST
        + ":"
        + port
        + "/0";
  }

  public Object command(String... args) {
    return RedisCommand.send(port, password, args);
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: a crash. */
  public void kill() {
    if (process != null) {
      process.kill();
    }
  }

  /** Starts again on the same port after {@link #kill()}. */
  public void restart() {
    if (!isRunning()) {
      startProcess(List.of());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process != null) {
        process.stop("TERM", Duration.ofSeconds(10));
      }
    } finally {
      if (ownsDir) {
        TempDirs.deleteQuietly(dir);
      }
    }
  }
}
