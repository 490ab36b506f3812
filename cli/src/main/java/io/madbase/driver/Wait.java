package io.madbase.driver;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.observe.Check;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The CLI's waits on the stack: madbase's one waiting loop ({@link io.madbase.common.Wait}) over
 * health {@link Check}s, with progress on the terminal, and a timeout that ends the command with
 * exit code 1 saying what was last seen and where to look.
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
    AtomicReference<Check> last = new AtomicReference<>();
    try {
      io.madbase.common.Wait.until(
          what,
          deadline,
          poll,
          new io.madbase.common.Wait.Listener() {
            @Override
            public void waiting(String w, Duration elapsed, String seen) {
              progress.waiting(w, elapsed, seen);
            }

            @Override
            public void met(String w, Duration elapsed) {
              progress.done(w, elapsed);
            }
          },
          () -> {
            Check c = probe.get();
            last.set(c);
            return c.ok() ? null : c.seen();
          });
      return last.get();
    } catch (io.madbase.common.Wait.TimedOut e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new MadbaseException(ExitCode.CHECK_FAILED, "interrupted while waiting for " + what);
      }
      throw new MadbaseException(
          ExitCode.CHECK_FAILED,
          "timed out after "
              + deadline.toSeconds()
              + " s waiting for "
              + what
              + "\n  last seen: "
              + e.lastSeen()
              + (hint == null || hint.isEmpty() ? "" : "\n  " + hint));
    }
  }
}
