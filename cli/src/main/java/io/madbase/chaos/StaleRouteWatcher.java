package io.madbase.chaos;

import java.util.Optional;

/**
 * Watches the run's own events for a stale route and reports it live, once it has lasted longer
 * than the watchers' polling skew ({@link RunAnalysis#STALE_ROUTE_MIN}).
 */
final class StaleRouteWatcher extends Watcher {
  private final EventLog events;
  private final RouteState state = new RouteState();
  private int seen;
  private Long since;
  private String node;
  private boolean reported;

  StaleRouteWatcher(EventLog events) {
    super("stale-route", events);
    this.events = events;
  }

  @Override
  protected void poll() {
    var all = events.all();
    long now = events.clock().now();
    for (; seen < all.size(); seen++) {
      Event e = all.get(seen);
      now = Math.max(now, e.nanos());
      Optional<String> stale = state.apply(e);
      if (stale.isPresent() && since == null) {
        since = e.nanos();
        node = stale.get();
        reported = false;
      } else if (stale.isEmpty() && since != null) {
        since = null;
      }
    }
    if (since != null && !reported && now - since >= Anomalies.STALE_ROUTE_MIN.toNanos()) {
      emit(
          "haproxy",
          Event.STALE_ROUTE,
          node,
          "HAProxy routes writes to a replica while another node is primary");
      reported = true;
    }
  }
}
