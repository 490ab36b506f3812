package io.madbase.chaos.fault;

import io.madbase.chaos.Event;
import java.util.List;

/**
 * What one fault step did.
 *
 * @param fault the fault event on the run's timeline
 * @param target the member(s) it hit, space-separated ("" when none)
 * @param stopped the members it left stopped, for restart_faulted
 * @param added a worker it added, for the rollback to remove (null: none)
 * @param logOffset where the target's log stood before the fault (-1: not read)
 * @param etcdDown etcd members down right after it
 */
public record Injection(
    Event fault, String target, List<String> stopped, String added, long logOffset, int etcdDown) {

  public static Injection of(Event fault, String target) {
    return new Injection(fault, target, List.of(), null, -1, 0);
  }

  /** The same injection, its target left stopped (restart_faulted starts it again). */
  public Injection stopping(List<String> members) {
    return new Injection(fault, target, List.copyOf(members), added, logOffset, etcdDown);
  }
}
