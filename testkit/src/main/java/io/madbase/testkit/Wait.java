package io.madbase.testkit;

import java.time.Duration;

/**
 * Waiting as a strategy with a deadline and a poll interval; on timeout it says what it last saw.
 */
public final class Wait {
  private Wait() {}

  /** A check that answers {@code null} when satisfied, or a description of what it saw instead. */
  @FunctionalInterface
  public interface Check {
    String unmetBecause() throws Exception;
  }

  public static void until(String what, Duration timeout, Duration interval, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not checked yet";
    while (true) {
      try {
        last = check.unmetBecause();
        if (last == null) {
          return;
        }
      } catch (Exception e) {
        last = e.toString();
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "timed out after "
                + timeout.toMillis()
                + " ms waiting for "
                + what
                + "; last seen: "
                + last);
      }
      sleep(interval);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
