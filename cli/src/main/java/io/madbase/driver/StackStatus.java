package io.madbase.driver;

import io.madbase.observe.Check;
import io.madbase.observe.EtcdHealth;
import io.madbase.observe.HaproxyStats;
import io.madbase.observe.Http;
import io.madbase.observe.PatroniClient;
import io.madbase.observe.RedisInspector;
import io.madbase.observe.StackObserver;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code madbase status}: every member with its role, state, address and PID, HAProxy's view, the
 * health checks {@code up} waits for, and the data-safety settings the stack runs with (read from
 * Patroni and Redis).
 */
public record StackStatus(
    String stack,
    String driver,
    String stateDir,
    boolean healthy,
    List<Check> checks,
    List<MemberStatus> members,
    List<HaproxyStats.Server> haproxy,
    StackObserver.DataSafetyView dataSafety) {

  /**
   * One member.
   *
   * @param kind etcd, postgres, haproxy, redis, sentinel, gateway, worker
   * @param role leader/follower, leader/replica, master/replica, ...
   * @param state running, streaming, down, ...
   * @param lagBytes replication lag for a postgres replica, when Patroni reports one
   */
  public record MemberStatus(
      String name,
      String kind,
      String role,
      String state,
      String address,
      long pid,
      Long lagBytes) {}

  public static StackStatus collect(StackLifecycle driver) {
    StackSpec spec = driver.spec();
    StackObserver obs = driver.observer();
    Topology topo = driver.topology();
    List<NodeInfo> nodes = driver.nodes();
    List<MemberStatus> members = new ArrayList<>();

    Map<Member, Optional<PatroniClient.NodeState>> patroni = obs.patroniNodes();
    Optional<PatroniClient.NodeState> leaderState =
        patroni.values().stream()
            .flatMap(Optional::stream)
            .filter(PatroniClient.NodeState::leader)
            .findFirst();
    Map<String, Long> lags = new java.util.HashMap<>();
    for (Member m : patroni.keySet()) {
      obs.patroni(m)
          .cluster()
          .ifPresent(
              cl ->
                  cl.forEach(
                      c -> {
                        if (c.lagBytes() != null) lags.put(c.name(), c.lagBytes());
                      }));
      if (!lags.isEmpty()) {
        break;
      }
    }
    Optional<List<HaproxyStats.Server>> servers = obs.haproxyStats().servers();

    for (NodeInfo n : nodes) {
      String role;
      String state;
      Long lag = null;
      switch (n.role()) {
        case ETCD -> {
          Optional<EtcdHealth.Status> st =
              obs.etcdHealth(n.member(), Duration.ofSeconds(1)).status();
          role = st.map(s -> s.leader() ? "leader" : "follower").orElse("-");
          state = st.isPresent() ? "healthy" : n.alive() ? "not answering" : "down";
        }
        case POSTGRES -> {
          Optional<PatroniClient.NodeState> st =
              patroni.entrySet().stream()
                  .filter(e -> e.getKey().name().equals(n.name()))
                  .findFirst()
                  .flatMap(Map.Entry::getValue);
          role = st.map(s -> s.leader() ? "leader" : "replica").orElse("-");
          boolean streaming =
              leaderState
                  .map(
                      l ->
                          l.replication().stream()
                              .anyMatch(
                                  r -> r.name().equals(n.name()) && "streaming".equals(r.state())))
                  .orElse(false);
          state =
              st.map(s -> streaming ? "streaming" : s.state())
                  .orElse(n.alive() ? "not answering" : "down");
          lag = lags.get(n.name());
        }
        case HAPROXY -> {
          role = "router";
          state = servers.isPresent() ? "running" : n.alive() ? "not answering" : "down";
        }
        case REDIS -> {
          Optional<RedisInspector.NodeInfo> info =
              obs.redis()
                  .node(topo.endpoint(n.member(), Port.REDIS), driver.secrets().redis().reveal());
          role = info.map(i -> i.master() ? "master" : "replica").orElse("-");
          state =
              info.map(
                      i ->
                          i.master()
                              ? i.connectedReplicas() + " replicas connected"
                              : "link " + (i.linkUp() ? "up" : "down"))
                  .orElse(n.alive() ? "not answering" : "down");
        }
        case SENTINEL -> {
          Optional<RedisInspector.SentinelView> v =
              obs.redis()
                  .sentinel(topo.endpoint(n.member(), Port.SENTINEL), spec.redis().masterName());
          role = "sentinel";
          state =
              v.map(
                      x ->
                          "master "
                              + obs.redisMember(x.masterHost())
                                  .map(Member::name)
                                  .orElse(x.masterHost())
                              + ", "
                              + x.otherSentinels()
                              + " other sentinels")
                  .orElse(n.alive() ? "not answering" : "down");
        }
        case GATEWAY -> {
          role = "gateway";
          state =
              Http.get(
                      topo.endpoint(n.member(), Port.GATEWAY).http() + "/ready",
                      Duration.ofSeconds(1))
                  .map(r -> r.ok() ? "ready" : "not ready")
                  .orElse(n.alive() ? "not answering" : "down");
        }
        case WORKER -> {
          role = "worker";
          state =
              Http.get(
                      topo.endpoint(n.member(), Port.WORKER).http() + "/health",
                      Duration.ofSeconds(1))
                  .map(r -> r.ok() ? "up" : "unhealthy")
                  .orElse(n.alive() ? "not answering" : "down");
        }
        default -> throw new IllegalStateException(n.role().toString());
      }
      members.add(
          new MemberStatus(
              n.name(), n.role().label(), role, state, n.address(), n.alive() ? n.pid() : 0, lag));
    }

    List<Check> checks = new ArrayList<>();
    checks.add(obs.etcd());
    Check pg = obs.patroniCluster(patroni);
    checks.add(pg);
    String leader =
        patroni.entrySet().stream()
            .filter(e -> e.getValue().map(PatroniClient.NodeState::leader).orElse(false))
            .map(e -> e.getKey().name())
            .findFirst()
            .orElse("?");
    checks.add(obs.haproxy(leader));
    checks.add(obs.sentinels());
    if (!driver.topology().of(Role.WORKER).isEmpty()) {
      checks.add(obs.workers());
    }
    if (!driver.topology().of(Role.GATEWAY).isEmpty()) {
      checks.add(obs.gateways());
    }
    boolean healthy = checks.stream().allMatch(Check::ok);
    return new StackStatus(
        spec.name(),
        driver.name(),
        driver.stateDir().toString(),
        healthy,
        checks,
        members,
        servers.orElse(List.of()),
        obs.dataSafety());
  }
}
