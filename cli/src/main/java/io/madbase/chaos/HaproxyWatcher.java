package io.madbase.chaos;

import io.madbase.observe.HaproxyStats;
import java.util.List;
import java.util.Optional;

/**
 * Polls HAProxy's stats: which servers are UP in the primary and the replicas listeners, and in the
 * gateways listener when the stack has one.
 */
public final class HaproxyWatcher extends Watcher {
  private final HaproxyStats stats;
  private String lastPrimary;
  private String lastReplicas;
  private String lastGateways;

  public HaproxyWatcher(HaproxyStats stats, EventLog log) {
    super("haproxy", log);
    this.stats = stats;
  }

  @Override
  protected void poll() {
    Optional<List<HaproxyStats.Server>> servers = stats.servers();
    String primary = servers.map(s -> up(s, "primary")).orElse("unreachable");
    String replicas = servers.map(s -> up(s, "replicas")).orElse("unreachable");
    if (!primary.equals(lastPrimary)) {
      lastPrimary = primary;
      emit("haproxy", Event.HAPROXY_PRIMARY, "", primary);
    }
    if (!replicas.equals(lastReplicas)) {
      lastReplicas = replicas;
      emit("haproxy", Event.HAPROXY_REPLICAS, "", replicas);
    }
    boolean hasGateways =
        servers.map(s -> s.stream().anyMatch(x -> x.proxy().equals("gateways"))).orElse(false);
    String gateways = servers.map(s -> up(s, "gateways")).orElse("unreachable");
    if ((hasGateways || lastGateways != null) && !gateways.equals(lastGateways)) {
      lastGateways = gateways;
      emit("haproxy", Event.HAPROXY_GATEWAYS, "", gateways);
    }
  }

  /** The servers UP (after a passed check) in {@code proxy}, space-separated; "" for none. */
  static String up(List<HaproxyStats.Server> servers, String proxy) {
    return String.join(
        " ",
        servers.stream()
            .filter(s -> s.proxy().equals(proxy) && s.up())
            .map(HaproxyStats.Server::server)
            .sorted()
            .toList());
  }
}
