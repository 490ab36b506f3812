package io.madbase.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every probe operation of a run, appended from the probes' threads. */
public final class OpLog {
  private final List<Op> ops = new ArrayList<>();

  public synchronized void add(Op op) {
    ops.add(op);
  }

  /** The operations of {@code probe}, in the order they ended. */
  public synchronized List<Op> of(String probe) {
    return ops.stream()
        .filter(o -> o.probe().equals(probe))
        .sorted(Comparator.comparingLong(Op::endNanos))
        .toList();
  }

  public synchronized List<Op> all() {
    return new ArrayList<>(ops);
  }
}
