package io.madbase.chaos;

import io.madbase.observe.PatroniClient;
import io.madbase.stack.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polls every node's Patroni REST API: role changes (promotion, demotion), a node going silent, and
 * two nodes claiming to be a running primary at once (split brain), and when that ends.
 */
public final class PatroniWatcher extends Watcher {
  private final Map<Member, PatroniClient> clients = new HashMap<>();
  private final Map<String, String> last = new HashMap<>();
  private boolean splitBrain;

  public PatroniWatcher(io.madbase.stack.Topology topology, EventLog log) {
    super("patroni", log);
    for (Member m : topology.of(io.madbase.stack.Role.POSTGRES)) {
      var rest = topology.endpoint(m, io.madbase.stack.Port.PATRONI_REST);
      clients.put(m, new PatroniClient(rest.host(), rest.port(), Duration.ofMillis(400)));
    }
  }

  @Override
  protected void poll() {
    List<String> primaries = new ArrayList<>();
    for (var e : clients.entrySet()) {
      Optional<PatroniClient.NodeState> st = e.getValue().node();
      String now =
          st.map(s -> (s.leader() ? "primary" : s.role()) + "/" + s.state()).orElse("unreachable");
      if (st.map(s -> s.leader() && "running".equals(s.state())).orElse(false)) {
        primaries.add(e.getKey().name());
      }
      String name = e.getKey().name();
      if (!now.equals(last.get(name))) {
        last.put(name, now);
        emit("patroni", Event.PATRONI_ROLE, name, now);
      }
    }
    boolean both = primaries.size() > 1;
    if (both && !splitBrain) {
      emit(
          "patroni",
          Event.SPLIT_BRAIN,
          String.join(",", primaries),
          "two nodes report a running primary");
    } else if (!both && splitBrain) {
      emit("patroni", Event.SPLIT_BRAIN_END, String.join(",", primaries), "one primary again");
    }
    splitBrain = both;
  }
}
