package io.madbase.chaos;

import java.util.Locale;

/**
 * A predicted window for a phase, in seconds after the fault, computed from the stack's settings
 * (never measured): e.g. a crashed leader's key expires between ttl - loop_wait and ttl.
 *
 * @param why how the window follows from the settings, for the report and --dry-run
 */
public record Bound(double min, double max, String why) {
  public Bound plus(double addMin, double addMax, String more) {
    return new Bound(min + addMin, max + addMax, more);
  }

  public boolean contains(double seconds) {
    return seconds >= min - 1e-9 && seconds <= max + 1e-9;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.1f-%.1f s", min, max);
  }
}
