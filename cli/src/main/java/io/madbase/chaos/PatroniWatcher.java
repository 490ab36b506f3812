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
 * a replica that cannot keep up), and, while no node is the leader, whether Patroni refuses to
 * promote every replica for being too far behind ({@code maximum_lag_on_failover}).
 */
public final class PatroniWatcher extends Watcher {
  private final Map<Member, PatroniClient> clients = new HashMap<>();
  private final Map<String, String> last = new HashMap<>();
  private final Map<String, Integer> lagStep = new HashMap<>();
  private boolean splitBrain;
  private long refusalCheckedAt = System.nanoTime() - REFUSAL_CHECK_NANOS;
  private boolean refusalReported;

  /** How often a leaderless cluster is asked whether any replica may be promoted. */
  static final long REFUSAL_CHECK_NANOS = 1_000_000_000L;

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
    boolean anyLeader = false;
    for (var e : clients.entrySet()) {
      Optional<PatroniClient.NodeState> st = e.getValue().node();
      anyLeader |= st.map(PatroniClient.NodeState::leader).orElse(false);
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
    if (anyLeader) {
      refusalReported = false;
    } else if (!replicas.isEmpty()) {
      noPromotableReplica(replicas.keySet());
    }
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

  /**
   * Once per leaderless stretch: when Patroni's {@code GET /cluster} (asked of a replica that
   * answers, at most every {@link #REFUSAL_CHECK_NANOS}) has no leader either and lists every
   * answering replica further behind the last leader position than the {@code
   * maximum_lag_on_failover} in force, none of them will take the leader key. Patroni's own check
   * uses each node's current position against the same leader position; the lag in {@code /cluster}
   * is as of the node's last HA loop.
   */
  private void noPromotableReplica(java.util.Set<String> answering) {
    long now = System.nanoTime();
    if (refusalReported || now - refusalCheckedAt < REFUSAL_CHECK_NANOS) {
      return;
    }
    refusalCheckedAt = now;
    PatroniClient asked =
        clients.entrySet().stream()
            .filter(e -> answering.contains(e.getKey().name()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    Optional<List<PatroniClient.ClusterMember>> members = asked.cluster();
    Optional<PatroniClient.DcsTiming> config = asked.dcsTiming();
    if (members.isEmpty() || config.isEmpty()) {
      return;
    }
    long limit = config.get().maximumLagOnFailover();
    List<String> behind = new ArrayList<>();
    for (PatroniClient.ClusterMember m : members.get()) {
      if (m.role().contains("leader")) {
        return;
      }
      if (answering.contains(m.name())) {
        if (m.lagBytes() == null || m.lagBytes() <= limit) {
          return;
        }
        behind.add(m.name() + " " + m.lagBytes() + " B");
      }
    }
    if (!behind.isEmpty()) {
      refusalReported = true;
      emit(
          "patroni",
          Event.NO_PROMOTABLE_REPLICA,
          String.join(",", answering.stream().sorted().toList()),
          "every replica is further behind the last leader position than maximum_lag_on_failover"
              + " ("
              + limit
              + " B): "
              + String.join(", ", behind)
              + "; Patroni promotes none of them");
    }
  }

  private void replicationLag(String replica, long bytes) {
    int step = nextLagStep(lagStep.getOrDefault(replica, 0), bytes);
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

  /**
   * The step a replica's lag is at after a poll that found it {@code bytes} behind, from step
   * {@code was}: up as soon as it crosses a step, down only once it is under half of where its step
   * starts, so that a distance hovering at a step's edge (as behind a slow link: the stream catches
   * up a little between commits) is one event, not one per poll.
   */
  static int nextLagStep(int was, long bytes) {
    int now = lagStep(bytes);
    if (now < was && bytes >= (LAG_STEP_BYTES << (2 * (was - 1))) / 2) {
      return was;
    }
    return now;
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
