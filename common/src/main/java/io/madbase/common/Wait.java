package io.madbase.common;

import java.time.Duration;

/**
 * Waiting as a strategy with a deadline and a poll interval (as Testcontainers' WaitStrategy): look
 * until a check is met, tell a listener how it goes, and on timeout say what was last seen. The one
 * waiting loop of madbase: the CLI's waits (with progress on the terminal) and the test fixtures'
 * use it.
 */
public final class Wait {
  private Wait() {}

  /** A check that answers {@code null} when met, or a description of what it saw instead. */
  @FunctionalInterface
  public interface Check {
    String unmetBecause() throws Exception;
  }

  /** Told of each look that was not met yet, and of the end; both default to nothing. */
  public interface Listener {
    default void waiting(String what, Duration elapsed, String seen) {}

    default void met(String what, Duration elapsed) {}
  }

  /** The deadline passed before the check was met. */
  public static final class TimedOut extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient Duration timeout;
    private final String lastSeen;

    TimedOut(String what, Duration timeout, String lastSeen) {
      super(
          "timed out after "
              + Durations.format(timeout)
              + " waiting for "
              + what
              + "; last seen: "
              + lastSeen);
      this.timeout = timeout;
      this.lastSeen = lastSeen;
    }

    public Duration timeout() {
      return timeout;
    }

    /** What the last look saw. */
    public String lastSeen() {
      return lastSeen;
    }
  }

  /** Waits until {@code check} is met; {@link TimedOut} when {@code timeout} passes first. */
  public static void until(String what, Duration timeout, Duration interval, Check check) {
    until(what, timeout, interval, new Listener() {}, check);
  }

  /**
   * Waits until {@code check} is met, telling {@code listener} of every look; a check that throws
   * has not been met, and what it threw is what it saw. {@link TimedOut} when {@code timeout}
   * passes first; an interrupt ends the wait as a timeout that says so, with the thread's flag set
   * again.
   */
  public static void until(
      String what, Duration timeout, Duration interval, Listener listener, Check check) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String last;
    while (true) {
      try {
        last = check.unmetBecause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimedOut(what, timeout, "interrupted");
      } catch (Exception e) {
        last = e.toString();
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (last == null) {
        listener.met(what, elapsed);
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new TimedOut(what, timeout, last);
      }
      listener.waiting(what, elapsed, last);
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimedOut(what, timeout, "interrupted; " + last);
      }
    }
  }
}
