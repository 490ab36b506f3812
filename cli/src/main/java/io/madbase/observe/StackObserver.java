package io.madbase.observe;

import io.madbase.stack.DataSafety;
import io.madbase.stack.Endpoint;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.SynchronousMode;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks at a running stack, member by member, each from its own source: etcd's /health, Patroni's
 * REST API, HAProxy's stats, Redis INFO and Sentinel, the gateway's /ready. The checks here are the
 * definition of "healthy" that {@code madbase up} waits for and {@code madbase status} shows.
 */
public final class StackObserver implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final StackSpec spec;
  private final Topology topology;
  private final Secrets secrets;
  private RedisInspector redis;

  public StackObserver(StackSpec spec, Topology topology, Secrets secrets) {
    this.spec = spec;
    this.topology = topology;
    this.secrets = secrets;
  }

  public Topology topology() {
    return topology;
  }

  public PatroniClient patroni(Member node) {
    Endpoint rest = topology.endpoint(node, Port.PATRONI_REST);
    return new PatroniClient(rest.host(), rest.port(), TIMEOUT, secrets.patroniApi());
  }

  public HaproxyStats haproxyStats() {
    Endpoint stats = topology.haproxy(Port.HAPROXY_STATS);
    return new HaproxyStats(stats.host(), stats.port(), TIMEOUT);
  }

  public synchronized RedisInspector redis() {
    if (redis == null) {
      redis = new RedisInspector(TIMEOUT);
    }
    return redis;
  }

  // ---- etcd

  /** Every etcd member healthy: the cluster has a leader and all members answer. */
  public Check etcd() {
    List<String> bad = new ArrayList<>();
    for (Member m : topology.of(Role.ETCD)) {
      if (!etcdHealth(m, TIMEOUT).healthy()) {
        bad.add(m.name());
      }
    }
    int n = topology.of(Role.ETCD).size();
    return bad.isEmpty()
        ? Check.pass("etcd", n + "/" + n + " members healthy")
        : Check.fail(
            "etcd",
            (n - bad.size())
                + "/"
                + n
                + " members healthy; not healthy: "
                + String.join(", ", bad));
  }

  /** etcd's /health of one member. */
  public EtcdHealth etcdHealth(Member m, Duration timeout) {
    Endpoint client = topology.endpoint(m, Port.ETCD_CLIENT);
    return new EtcdHealth(client.host(), client.port(), timeout);
  }

  /** Every etcd member's client URL, as madbase reaches it. */
  public List<String> etcdEndpoints() {
    return topology.of(Role.ETCD).stream()
        .map(m -> topology.endpoint(m, Port.ETCD_CLIENT).http())
        .toList();
  }

  // ---- Patroni

  /** Each node's own view; empty for a node that does not answer. */
  public Map<Member, Optional<PatroniClient.NodeState>> patroniNodes() {
    Map<Member, Optional<PatroniClient.NodeState>> out = new LinkedHashMap<>();
    for (Member m : topology.of(Role.POSTGRES)) {
      out.put(m, patroni(m).node());
    }
    return out;
  }

  /** Exactly one running leader, and every other node streaming from it. */
  public Check patroniCluster() {
    return patroniCluster(patroniNodes());
  }

  public Check patroniCluster(Map<Member, Optional<PatroniClient.NodeState>> nodes) {
    List<Member> leaders =
        nodes.entrySet().stream()
            .filter(
                e -> e.getValue().map(s -> s.leader() && "running".equals(s.state())).orElse(false))
            .map(Map.Entry::getKey)
            .toList();
    String seen =
        nodes.entrySet().stream()
            .map(
                e ->
                    e.getKey().name()
                        + " "
                        + e.getValue().map(s -> roleName(s) + "/" + s.state()).orElse("no answer"))
            .collect(Collectors.joining(", "));
    if (leaders.size() != 1) {
      return Check.fail("patroni", leaders.size() + " leaders (" + seen + ")");
    }
    PatroniClient.NodeState leader = nodes.get(leaders.get(0)).orElseThrow();
    List<String> streaming =
        leader.replication().stream()
            .filter(r -> "streaming".equals(r.state()))
            .map(PatroniClient.Replication::name)
            .toList();
    List<String> expected =
        nodes.keySet().stream().filter(m -> !m.equals(leaders.get(0))).map(Member::name).toList();
    List<String> missing = expected.stream().filter(n -> !streaming.contains(n)).toList();
    String desc =
        "leader "
            + leaders.get(0).name()
            + ", streaming: "
            + (streaming.isEmpty() ? "none" : String.join(" ", streaming));
    return missing.isEmpty()
        ? Check.pass("patroni", desc)
        : Check.fail(
            "patroni",
            desc + "; not streaming yet: " + String.join(" ", missing) + " (" + seen + ")");
  }

  /** The current leader's name, if exactly one node says it leads. */
  public Optional<Member> leader() {
    List<Member> l =
        patroniNodes().entrySet().stream()
            .filter(e -> e.getValue().map(PatroniClient.NodeState::leader).orElse(false))
            .map(Map.Entry::getKey)
            .toList();
    return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
  }

  private static String roleName(PatroniClient.NodeState s) {
    return s.leader() ? "leader" : s.role();
  }

  // ---- HAProxy

  /**
   * Exactly one server UP (after a passed check) in the primary listener, and it is the leader;
   * every other node UP in the replicas listener.
   */
  public Check haproxy(String leaderName) {
    Optional<List<HaproxyStats.Server>> servers = haproxyStats().servers();
    if (servers.isEmpty()) {
      return Check.fail("haproxy", "stats page does not answer");
    }
    List<String> primaryUp = up(servers.get(), "primary");
    List<String> replicasUp = up(servers.get(), "replicas");
    List<String> expectedReplicas =
        topology.of(Role.POSTGRES).stream()
            .map(Member::name)
            .filter(n -> !n.equals(leaderName))
            .toList();
    String seen = "primary UP: " + join(primaryUp) + "; replicas UP: " + join(replicasUp);
    boolean ok =
        primaryUp.equals(List.of(leaderName))
            && replicasUp.containsAll(expectedReplicas)
            && replicasUp.size() == expectedReplicas.size();
    return new Check("haproxy", ok, seen);
  }

  private static List<String> up(List<HaproxyStats.Server> servers, String proxy) {
    return servers.stream()
        .filter(s -> s.proxy().equals(proxy) && s.up())
        .map(HaproxyStats.Server::server)
        .toList();
  }

  private static String join(List<String> names) {
    return names.isEmpty() ? "none" : String.join(" ", names);
  }

  // ---- Redis and Sentinel

  /**
   * Every Sentinel names the same master, knows every other Sentinel and every replica, and the
   * master itself has every replica connected.
   */
  public Check sentinels() {
    String name = spec.redis().masterName();
    List<String> problems = new ArrayList<>();
    String master = null;
    for (Member s : topology.of(Role.SENTINEL)) {
      Optional<RedisInspector.SentinelView> v =
          redis().sentinel(topology.endpoint(s, Port.SENTINEL), name);
      if (v.isEmpty()) {
        problems.add(s.name() + " no answer");
        continue;
      }
      var view = v.get();
      if (master == null) {
        master = view.masterHost();
      } else if (!master.equals(view.masterHost())) {
        problems.add(s.name() + " says master " + view.masterHost() + " (others " + master + ")");
      }
      if (view.otherSentinels() < topology.of(Role.SENTINEL).size() - 1) {
        problems.add(s.name() + " knows " + view.otherSentinels() + " other sentinels");
      }
      if (view.replicas() < topology.of(Role.REDIS).size() - 1) {
        problems.add(s.name() + " knows " + view.replicas() + " replicas");
      }
      if (!view.flags().equals("master")) {
        problems.add(s.name() + " flags " + view.flags());
      }
    }
    if (master != null && problems.isEmpty()) {
      Member m = redisMember(master).orElse(null);
      Optional<RedisInspector.NodeInfo> info =
          m == null
              ? Optional.empty()
              : redis().node(topology.endpoint(m, Port.REDIS), secrets.redis().reveal());
      int expected = topology.of(Role.REDIS).size() - 1;
      if (info.isEmpty() || !info.get().master() || info.get().connectedReplicas() < expected) {
        problems.add(
            "master "
                + master
                + " "
                + info.map(i -> i.role() + " with " + i.connectedReplicas() + " replicas connected")
                    .orElse("no answer"));
      }
      // a replica counts once its initial sync is done: master_link_status:up
      for (Member r : topology.of(Role.REDIS)) {
        if (r.host().equals(master)) {
          continue;
        }
        Optional<RedisInspector.NodeInfo> ri =
            redis().node(topology.endpoint(r, Port.REDIS), secrets.redis().reveal());
        if (ri.isEmpty() || ri.get().master() || !ri.get().linkUp()) {
          problems.add(
              r.name()
                  + " "
                  + ri.map(i -> i.master() ? "is a master" : "link to master down")
                      .orElse("no answer"));
        }
      }
    }
    String masterName = master == null ? "?" : redisMember(master).map(Member::name).orElse(master);
    return problems.isEmpty()
        ? Check.pass(
            "sentinel",
            "master " + masterName + "; " + topology.of(Role.SENTINEL).size() + " sentinels agree")
        : Check.fail("sentinel", String.join("; ", problems));
  }

  /** Where the first Sentinel that answers says the master is (its host). */
  public Optional<String> sentinelsView() {
    for (Member s : topology.of(Role.SENTINEL)) {
      Optional<RedisInspector.SentinelView> v =
          redis().sentinel(topology.endpoint(s, Port.SENTINEL), spec.redis().masterName());
      if (v.isPresent()) {
        return Optional.of(v.get().masterHost());
      }
    }
    return Optional.empty();
  }

  public Optional<Member> redisMember(String host) {
    return topology.redisAt(host);
  }

  // ---- data safety

  /**
   * The data-safety settings the running stack has, each with where it was read: Patroni's {@code
   * GET /config} (the leader's, else any node's) and {@code CONFIG GET} on the Redis master (else
   * any node). What cannot be read is taken from the spec, and the source says so.
   */
  public record DataSafetyView(DataSafety value, String postgresSource, String redisSource) {}

  public DataSafetyView dataSafety() {
    DataSafety wanted = DataSafety.of(spec);
    List<Member> pgOrder = new ArrayList<>();
    leader().ifPresent(pgOrder::add);
    topology.of(Role.POSTGRES).stream().filter(m -> !pgOrder.contains(m)).forEach(pgOrder::add);
    SynchronousMode sync = wanted.synchronousMode();
    long lag = wanted.maximumLagOnFailover();
    String pgSource = "madbase.yaml (no Patroni answered GET /config)";
    for (Member m : pgOrder) {
      Optional<PatroniClient.DcsTiming> d = patroni(m).dcsTiming();
      if (d.isPresent()) {
        sync = d.get().synchronousMode();
        lag = d.get().maximumLagOnFailover();
        pgSource = "Patroni GET /config on " + m.name();
        break;
      }
    }
    List<Member> redisOrder = new ArrayList<>();
    sentinelsView().flatMap(this::redisMember).ifPresent(redisOrder::add);
    topology.of(Role.REDIS).stream().filter(m -> !redisOrder.contains(m)).forEach(redisOrder::add);
    int minReplicas = wanted.minReplicasToWrite();
    Duration maxLag = wanted.minReplicasMaxLag();
    String redisSource = "madbase.yaml (no Redis node answered CONFIG GET)";
    for (Member m : redisOrder) {
      Optional<Map<String, String>> c =
          redis()
              .config(
                  topology.endpoint(m, Port.REDIS),
                  secrets.redis().reveal(),
                  "min-replicas-to-write",
                  "min-replicas-max-lag");
      if (c.isPresent()
          && c.get().containsKey("min-replicas-to-write")
          && c.get().containsKey("min-replicas-max-lag")) {
        try {
          minReplicas = Integer.parseInt(c.get().get("min-replicas-to-write").strip());
          maxLag = Duration.ofSeconds(Long.parseLong(c.get().get("min-replicas-max-lag").strip()));
          redisSource = "CONFIG GET on " + m.name();
          break;
        } catch (NumberFormatException e) {
          // not what Redis answers; try the next node
        }
      }
    }
    return new DataSafetyView(
        new DataSafety(sync, lag, minReplicas, maxLag), pgSource, redisSource);
  }

  // ---- the whole stack

  /**
   * Every check at once, as {@code madbase status} judges it: etcd, Patroni, HAProxy routing to the
   * leader, and the Sentinels, workers and gateways the stack has. Fails with what each failing
   * check saw.
   */
  public Check stack() {
    List<Check> checks = new ArrayList<>(List.of(etcd(), patroniCluster()));
    checks.add(haproxy(leader().map(Member::name).orElse("?")));
    if (!topology.of(Role.SENTINEL).isEmpty()) {
      checks.add(sentinels());
    }
    if (!topology.of(Role.WORKER).isEmpty()) {
      checks.add(workers());
    }
    if (!topology.of(Role.GATEWAY).isEmpty()) {
      checks.add(gateways());
    }
    List<Check> bad = checks.stream().filter(c -> !c.ok()).toList();
    return bad.isEmpty()
        ? Check.pass("stack", "healthy")
        : Check.fail(
            "stack",
            bad.stream().map(c -> c.name() + ": " + c.seen()).collect(Collectors.joining("; ")));
  }

  // ---- gateway and workers

  /** Every gateway answers 200 on /ready. */
  public Check gateways() {
    return endpoints("gateway", Role.GATEWAY, Port.GATEWAY, "/ready");
  }

  /** Every worker answers 200 on /health. */
  public Check workers() {
    return endpoints("workers", Role.WORKER, Port.WORKER, "/health");
  }

  private Check endpoints(String name, Role role, Port port, String path) {
    List<String> bad = new ArrayList<>();
    for (Member m : topology.of(role)) {
      boolean ok =
          Http.get(topology.endpoint(m, port).http() + path, TIMEOUT)
              .map(Http.Response::ok)
              .orElse(false);
      if (!ok) {
        bad.add(m.name());
      }
    }
    int n = topology.of(role).size();
    return bad.isEmpty()
        ? Check.pass(name, n + "/" + n + " ready")
        : Check.fail(name, "not ready: " + String.join(", ", bad));
  }

  @Override
  public synchronized void close() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
