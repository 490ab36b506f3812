package io.madbase.driver;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.observe.Check;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting as a strategy with a deadline and a poll interval (Testcontainers' WaitStrategy): polls
 * {@code probe} until it passes, reports progress, and on timeout says what was last seen.
 */
public final class Wait {
  private final Duration deadline;
  private final Duration poll;
  private final Progress progress;

  public Wait(Duration deadline, Duration poll, Progress progress) {
    this.deadline = deadline;
    this.poll = poll;
    this.progress = progress;
  }

  /**
   * Waits until {@code probe} passes; throws exit code 1 with the last observation (and {@code
   * hint}, e.g. which log to read) when the deadline passes first.
   */
  public Check until(String what, Supplier<Check> probe, String hint) {
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    Check last;
    while (true) {
      last = probe.get();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (last.ok()) {
        progress.done(what, elapsed);
        return last;
      }
      if (System.nanoTime() >= end) {
        throw new MadbaseException(
            ExitCode.CHECK_FAILED,
            "timed out after "
                + deadline.toSeconds()
                + " s waiting for "
                + what
                + "\n  last seen: "
                + last.seen()
                + (hint == null || hint.isEmpty() ? "" : "\n  " + hint));
      }
      progress.waiting(what, elapsed, last.seen());
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MadbaseException(ExitCode.CHECK_FAILED, "interrupted while waiting for " + what);
      }
    }
  }
}
