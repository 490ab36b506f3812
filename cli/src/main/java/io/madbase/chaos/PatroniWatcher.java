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
 * Polls every node's Patroni REST API: role changes (promotion, demotion), a node going silent, two
 * nodes claiming to be a running primary at once (split brain) and when that ends, and how far each
 * replica's received WAL is behind the leader's when that crosses a step (a slow replication link,
 * a replica that cannot keep up).
 */
public final class PatroniWatcher extends Watcher {
  private final Map<Member, PatroniClient> clients = new HashMap<>();
  private final Map<String, String> last = new HashMap<>();
  private final Map<String, Integer> lagStep = new HashMap<>();
  private boolean splitBrain;

  /** The first step a replica's lag is reported at: below it a busy primary's normal distance. */
  static final long LAG_STEP_BYTES = 64 * 1024;

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
    Map<String, PatroniClient.NodeState> replicas = new HashMap<>();
    PatroniClient.NodeState leader = null;
    for (var e : clients.entrySet()) {
      Optional<PatroniClient.NodeState> st = e.getValue().node();
      // Patroni 3 says a replica is "running", 4 that it is "streaming"
      if (st.isPresent()
          && List.of("running", "streaming").contains(st.get().state())
          && st.get().xlogLocation() > 0) {
        if (st.get().leader()) {
          leader = st.get();
        } else {
          replicas.put(e.getKey().name(), st.get());
        }
      }
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
    if (!both && leader != null) {
      for (var r : replicas.entrySet()) {
        // positions on another timeline (a replica not yet following a new leader, an old leader
        // rejoining) are not distances
        if (r.getValue().timeline() == leader.timeline()) {
          replicationLag(
              r.getKey(), Math.max(0, leader.xlogLocation() - r.getValue().xlogLocation()));
        }
      }
    }
  }

  private void replicationLag(String replica, long bytes) {
    int step = lagStep(bytes);
    if (step != lagStep.getOrDefault(replica, 0)) {
      lagStep.put(replica, step);
      emit(
          "patroni",
          Event.REPLICATION_LAG,
          replica,
          step == 0
              ? "caught up: " + bytes + " bytes behind the leader"
              : bytes + " bytes behind the leader");
    }
  }

  /** 0 under 64 KiB, 1 from 64 KiB, 2 from 256 KiB, 3 from 1 MiB: each step four times the last. */
  static int lagStep(long bytes) {
    int step = 0;
    for (long at = LAG_STEP_BYTES; bytes >= at && step < 20; at *= 4) {
      step++;
    }
    return step;
  }
}
