package io.madbase.chaos;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stale-route rule, fed one event at a time: HAProxy routes writes to a node Patroni reports as
 * a replica while another node is the running primary. Used live (the terminal shows it as it
 * happens) and afterwards (the report counts it), so both apply the same rule.
 */
final class RouteState {
  private final Map<String, String> roles = new HashMap<>();
  private List<String> routed = List.of();

  /** Takes an event in; returns the node writes are wrongly routed to now, if any. */
  Optional<String> apply(Event e) {
    switch (e.kind()) {
      case Event.PATRONI_ROLE -> roles.put(e.subject(), e.detail());
      case Event.HAPROXY_PRIMARY ->
          routed =
              e.detail().isBlank() || e.detail().equals("unreachable")
                  ? List.of()
                  : List.of(e.detail().split(" "));
      default -> {
        // other events change nothing here
      }
    }
    return staleNode();
  }

  Optional<String> staleNode() {
    return routed.stream()
        .filter(n -> roles.getOrDefault(n, "").startsWith("replica/"))
        .filter(
            n ->
                roles.entrySet().stream()
                    .anyMatch(r -> !r.getKey().equals(n) && r.getValue().equals("primary/running")))
        .findFirst();
  }
}
