package io.madbase.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** The run's events, appended by watchers from their own threads, read by the timeline. */
public final class EventLog {
  private final RunClock clock;
  private final List<Event> events = new ArrayList<>();
  private final List<Consumer<Event>> listeners = new ArrayList<>();

  public EventLog(RunClock clock) {
    this.clock = clock;
  }

  public RunClock clock() {
    return clock;
  }

  /** Records an event now. */
  public Event add(String source, String kind, String subject, String detail) {
    Event e = new Event(clock.now(), source, kind, subject, detail);
    List<Consumer<Event>> ls;
    synchronized (this) {
      events.add(e);
      ls = List.copyOf(listeners);
    }
    ls.forEach(l -> l.accept(e));
    return e;
  }

  /**
   * Records an event that happened at {@code nanos} (on the run's clock), in time order among the
   * events recorded since: a fault is timed when it was injected, and described once the driver
   * says what it did.
   */
  public Event addAt(long nanos, String source, String kind, String subject, String detail) {
    Event e = new Event(nanos, source, kind, subject, detail);
    List<Consumer<Event>> ls;
    synchronized (this) {
      int i = events.size();
      while (i > 0 && events.get(i - 1).nanos() > nanos) {
        i--;
      }
      events.add(i, e);
      ls = List.copyOf(listeners);
    }
    ls.forEach(l -> l.accept(e));
    return e;
  }

  /** Records an event observed at a given time (replaying a run, tests). */
  synchronized void record(Event e) {
    events.add(e);
  }

  /** Called for every event from now on (the live progress view). */
  public synchronized void listen(Consumer<Event> listener) {
    listeners.add(listener);
  }

  public synchronized List<Event> all() {
    return List.copyOf(events);
  }

  /** The first event at or after {@code fromNanos} matching {@code p}. */
  public synchronized Optional<Event> first(long fromNanos, Predicate<Event> p) {
    return events.stream().filter(e -> e.nanos() >= fromNanos && p.test(e)).findFirst();
  }
}
