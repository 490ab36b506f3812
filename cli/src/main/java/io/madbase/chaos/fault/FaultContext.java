package io.madbase.chaos.fault;

import io.madbase.chaos.Event;
import io.madbase.chaos.EventLog;
import io.madbase.chaos.Freezes;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.StackLifecycle;
import io.madbase.observe.StackObserver;
import io.madbase.stack.Topology;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a fault step works with: the stack and its faults, the observers, the run's events, the
 * nodes frozen so far, the partitions in force, what earlier steps did, and who led when the step
 * began.
 *
 * @param before the injections of the earlier steps, in order
 * @param leader the Patroni leader when the step began ("" if none)
 * @param redisMaster the Redis master the Sentinels named when the step began ("" if none)
 */
public record FaultContext(
    StackLifecycle stack,
    StackObserver observer,
    EventLog events,
    Freezes freezes,
    io.madbase.chaos.Partitions partitions,
    List<Injection> before,
    String leader,
    String redisMaster) {

  public FaultInjector faults() {
    return stack.faults();
  }

  public Topology topology() {
    return stack.topology();
  }

  /**
   * Injects a fault and records it, timed when it was injected and described by what the driver
   * says it did ({@code detail} is followed by that, in parentheses).
   */
  public Event inject(String subject, String detail, Supplier<String> action) {
    long at = events.clock().now();
    String how = action.get();
    return events.addAt(
        at, "madbase", Event.FAULT, subject, how.isEmpty() ? detail : detail + " (" + how + ")");
  }
}
