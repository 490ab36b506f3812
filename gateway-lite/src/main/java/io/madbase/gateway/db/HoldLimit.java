package io.madbase.gateway.db;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most requests held at once ({@code HOLD_MAX}). A held request costs no thread, but it keeps
 * its client's connection and its place in the queue for the primary's return; past the bound the
 * gateway answers 503 at once, so a long outage cannot pile up requests without limit.
 */
public final class HoldLimit {
  private final int max;
  private final AtomicInteger held = new AtomicInteger();

  public HoldLimit(int max) {
    this.max = max;
  }

  /** Takes a place; false when all {@code max} are taken. */
  boolean tryEnter() {
    while (true) {
      int n = held.get();
      if (n >= max) {
        return false;
      }
      if (held.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void exit() {
    held.decrementAndGet();
  }

  public int held() {
    return held.get();
  }

  public int max() {
    return max;
  }
}
