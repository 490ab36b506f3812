package io.madbase.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What should never happen, found in a run's events and probe operations. */
final class Anomalies {
  private Anomalies() {}

  /** Both watchers poll every 100 ms: a disagreement shorter than this is their skew. */
  static final Duration STALE_ROUTE_MIN = Duration.ofMillis(300);

  /**
   * Every anomaly of a run: those in the watchers' events ({@link #inEvents}), and reads a primary
   * answered on HAProxy's replicas port.
   */
  static List<RunResult.Anomaly> of(RunRecord run) {
    List<RunResult.Anomaly> out = new ArrayList<>(inEvents(run.events(), run.firstFault()));
    out.addAll(
        ReplicaRoutes.stale(run.ops().of("replica_reader"), run.driver().topology(), run.origin()));
    return out;
  }

  /**
   * Split brain (two running primaries at once, straight from Patroni) and stale routes: HAProxy
   * sending primary traffic to a node Patroni reports as a replica while another node is the
   * running primary (a demoted node still accepting connections). A route to a node that no longer
   * answers is not counted: connections to it fail, they cannot write in the wrong place. A stale
   * route shorter than {@link #STALE_ROUTE_MIN} is within the skew between the HAProxy and Patroni
   * watchers' polls, and is not counted either. Times are seconds after the first fault.
   */
  static List<RunResult.Anomaly> inEvents(EventLog events, long firstFault) {
    List<RunResult.Anomaly> out = new ArrayList<>();
    RouteState routes = new RouteState();
    Long staleSince = null;
    String staleNode = null;
    long origin = firstFault == Long.MAX_VALUE ? 0 : firstFault;
    for (Event e : events.all()) {
      if (e.kind().equals(Event.LEADER_KEY_SET) && e.detail().startsWith(Event.OVERWRITTEN_FROM)) {
        String previous = e.detail().substring(Event.OVERWRITTEN_FROM.length());
        out.add(
            new RunResult.Anomaly(
                "leader_key_overwritten",
                RunClock.seconds(e.nanos() - origin),
                e.subject()
                    + " wrote the leader key over "
                    + previous
                    + "'s, with no expiry or release in between: two nodes held leadership, "
                    + previous
                    + " is demoted and what it committed as primary is discarded when it follows "
                    + e.subject()
                    + " (Patroni before 3.0.3 does this after a pause longer than ttl: patroni PR #2689)"));
        continue;
      }
      if (e.kind().equals(Event.SPLIT_BRAIN)) {
        Optional<Event> end =
            events.first(e.nanos() + 1, x -> x.kind().equals(Event.SPLIT_BRAIN_END));
        out.add(
            new RunResult.Anomaly(
                "split_brain",
                RunClock.seconds(e.nanos() - origin),
                e.subject()
                    + ": "
                    + e.detail()
                    + end.map(
                            x ->
                                String.format(
                                    Locale.ROOT,
                                    " for %.2f s (as the watcher polls: every 50 ms)",
                                    RunClock.seconds(x.nanos() - e.nanos())))
                        .orElse(" until the end of the run")));
        continue;
      }
      if (!e.kind().equals(Event.PATRONI_ROLE) && !e.kind().equals(Event.HAPROXY_PRIMARY)) {
        continue;
      }
      Optional<String> demoted = routes.apply(e);
      if (demoted.isPresent() && staleSince == null) {
        staleSince = e.nanos();
        staleNode = demoted.get();
      } else if (demoted.isEmpty() && staleSince != null) {
        long lasted = e.nanos() - staleSince;
        if (lasted >= STALE_ROUTE_MIN.toNanos()) {
          out.add(
              new RunResult.Anomaly(
                  "stale_route",
                  RunClock.seconds(staleSince - origin),
                  String.format(
                      Locale.ROOT,
                      "HAProxy routed writes to %s for %.2f s while it was a replica and another node the primary",
                      staleNode,
                      RunClock.seconds(lasted))));
        }
        staleSince = null;
      }
    }
    if (staleSince != null) {
      out.add(
          new RunResult.Anomaly(
              "stale_route",
              RunClock.seconds(staleSince - origin),
              "HAProxy still routed writes to "
                  + staleNode
                  + " (a replica) at the end of the run"));
    }
    return out;
  }
}
