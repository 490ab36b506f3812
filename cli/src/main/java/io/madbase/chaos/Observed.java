package io.madbase.chaos;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a run has observed so far, as phases read it: events and probe operations since the fault.
 */
public record Observed(EventLog events, OpLog ops, long faultNanos) {

  /** The first event of {@code kind} after the fault that matches {@code p}. */
  public Optional<Long> firstEvent(String kind, Predicate<Event> p) {
    return events.first(faultNanos, e -> e.kind().equals(kind) && p.test(e)).map(Event::nanos);
  }

  /** The first event of {@code kind} after {@code from} that matches {@code p}. */
  public Optional<Long> firstEventAfter(long from, String kind, Predicate<Event> p) {
    return events.first(from, e -> e.kind().equals(kind) && p.test(e)).map(Event::nanos);
  }

  /** When the first operation of {@code probe} that succeeded ended, at or after {@code from}. */
  public Optional<Long> firstOk(String probe, long from, Predicate<Op> p) {
    List<Op> list = ops.of(probe);
    return list.stream()
        .filter(o -> o.ok() && o.endNanos() >= from && p.test(o))
        .map(Op::endNanos)
        .findFirst();
  }

  /** When the first operation of {@code probe} that failed ended, at or after {@code from}. */
  public Optional<Long> firstFailed(String probe, long from, Predicate<Op> p) {
    return ops.of(probe).stream()
        .filter(o -> !o.ok() && o.endNanos() >= from && p.test(o))
        .map(Op::endNanos)
        .min(Long::compare);
  }

  public boolean hasProbe(String probe) {
    return !ops.of(probe).isEmpty();
  }
}
