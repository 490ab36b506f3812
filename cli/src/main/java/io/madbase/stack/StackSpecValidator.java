package io.madbase.stack;

import io.madbase.common.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every range and contradiction check on a bound {@link StackSpec}, all run so that one pass
 * reports every problem. Each error names the field the user should change: where a rule involves
 * several fields, the one set in the file is named (a default cannot be "wrong" on its own).
 */
public final class StackSpecValidator {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern SUBNET = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern SIZE = Pattern.compile("\\d{1,6}(kB|MB|GB)");

  /** Reserved by PostgreSQL for superusers; HAProxy must leave them free. */
  static final int PG_RESERVED_CONNECTIONS = 3 + 10;

  private final Problems problems;

  private StackSpecValidator(String source, YamlLocations where) {
    this.problems = new Problems(source, where);
  }

  public static List<SpecError> validate(StackSpec spec, String source, YamlLocations where) {
    StackSpecValidator v = new StackSpecValidator(source, where);
    v.check(spec);
    return v.problems.list();
  }

  private void check(StackSpec s) {
    if (!NAME.matcher(s.name()).matches()) {
      error(
          "name",
          "must be lowercase letters, digits and '-', starting with a letter, at most 31 characters (got '"
              + Problems.shown(s.name())
              + "')");
    }

    if (!List.of("local", "docker").contains(s.driver())) {
      error("driver", "must be local or docker (got '" + s.driver() + "')");
    }
    int base = s.docker().hostPortBase();
    if (base < 1024 || base > 65535 - 99) {
      error(
          "docker.host_port_base",
          "must be between 1024 and 65436: the stack publishes base+1 to base+99 on 127.0.0.1 (got "
              + base
              + ")");
    }
    var release = DebianRelease.find(s.docker().debian());
    if (release.isEmpty()) {
      error(
          "docker.debian",
          "must be "
              + DebianRelease.known()
              + " (got '"
              + Problems.shown(s.docker().debian())
              + "')");
    }
    String baseImage = s.docker().baseImage();
    String wanted = release.orElse(DebianRelease.DEFAULT).baseImage();
    if (baseImage.isBlank() || baseImage.contains(" ")) {
      error(
          "docker.base_image",
          "must name an image of the Debian release docker.debian names, such as "
              + wanted
              + " (got '"
              + Problems.shown(baseImage)
              + "')");
    } else if (release.isPresent()) {
      // a base of another release would get this release's apt sources and packages on top
      DebianRelease.named(baseImage)
          .filter(named -> named != release.get())
          .ifPresent(
              named ->
                  error(
                      List.of("docker.base_image", "docker.debian"),
                      baseImage
                          + " is Debian "
                          + named.version()
                          + " ("
                          + named.codename()
                          + ") but docker.debian is "
                          + release.get().codename()
                          + ": the images install "
                          + release.get().codename()
                          + "'s packages on their base; leave docker.base_image out (it"
                          + " follows docker.debian: "
                          + wanted
                          + ") or name a "
                          + release.get().codename()
                          + " image"));
    }
    if (!s.docker().debianMirror().matches("https?://[^\\s]+")) {
      error(
          "docker.debian_mirror",
          "must be an http(s) URL of a Debian mirror (got '" + s.docker().debianMirror() + "')");
    }

    var m = SUBNET.matcher(s.local().subnet());
    if (!m.matches() || Integer.parseInt(m.group(1)) > 255 || Integer.parseInt(m.group(2)) > 255) {
      error(
          "local.subnet",
          "must be a loopback /24 prefix such as 127.0.1 (got '"
              + Problems.shown(s.local().subnet())
              + "')");
    } else if (s.local().subnet().equals("127.0.0")) {
      error(
          "local.subnet",
          "127.0.0 holds 127.0.0.1, where distribution services listen; use another, such as 127.0.1");
    }
    if (!s.local().patroni().startsWith("/")) {
      error(
          "local.patroni",
          "must be an absolute path to a Patroni executable (got '"
              + Problems.shown(s.local().patroni())
              + "')");
    }
    if (s.local().postgresUser().isBlank() || s.local().postgresUser().equals("root")) {
      error(
          "local.postgres_user",
          "must name an unprivileged user (PostgreSQL refuses to run as root)");
    }

    // etcd: an even member count has the fault tolerance of one fewer member, and splits votes
    int etcd = s.etcd().members();
    if (etcd < 1 || etcd > 9) {
      error("etcd.members", "must be between 1 and 9 (got " + etcd + ")");
    } else if (etcd % 2 == 0) {
      error(
          "etcd.members",
          "must be odd: "
              + etcd
              + " members tolerate no more failures than "
              + (etcd - 1)
              + " and can split votes");
    }
    port("etcd.client_port", s.etcd().clientPort());
    port("etcd.peer_port", s.etcd().peerPort());
    distinct(
        Map.of("etcd.client_port", s.etcd().clientPort(), "etcd.peer_port", s.etcd().peerPort()));

    var pg = s.postgres();
    range("postgres.nodes", pg.nodes(), 1, 9);
    port("postgres.port", pg.port());
    port("postgres.rest_port", pg.restPort());
    distinct(Map.of("postgres.port", pg.port(), "postgres.rest_port", pg.restPort()));
    range("postgres.max_connections", pg.maxConnections(), 20, 10_000);
    if (!SIZE.matcher(pg.sharedBuffers()).matches()) {
      error(
          "postgres.shared_buffers",
          "must be a size such as 32MB or 1GB (got '" + Problems.shown(pg.sharedBuffers()) + "')");
    }
    if (pg.synchronousMode().synchronous() && pg.nodes() < 2) {
      error(
          List.of("postgres.synchronous_mode", "postgres.nodes"),
          "synchronous_mode "
              + pg.synchronousMode()
              + " needs at least 2 postgres nodes (there is "
              + pg.nodes()
              + ")");
    }
    if (pg.maximumLagOnFailover() < 0) {
      error("postgres.maximum_lag_on_failover", "must not be negative (bytes of WAL)");
    }

    var ha = s.haproxy();
    port("haproxy.primary_port", ha.primaryPort());
    port("haproxy.replicas_port", ha.replicasPort());
    port("haproxy.stats_port", ha.statsPort());
    port("haproxy.gateways_port", ha.gatewaysPort());
    distinct(
        Map.of(
            "haproxy.primary_port", ha.primaryPort(),
            "haproxy.replicas_port", ha.replicasPort(),
            "haproxy.stats_port", ha.statsPort(),
            "haproxy.gateways_port", ha.gatewaysPort()));
    range("haproxy.maxconn", ha.maxconn(), 10, 100_000);
    range("haproxy.server_maxconn", ha.serverMaxconn(), 1, 100_000);
    if (ha.serverMaxconn() > ha.maxconn()) {
      error(
          List.of("haproxy.server_maxconn", "haproxy.maxconn"),
          "server_maxconn ("
              + ha.serverMaxconn()
              + ") cannot exceed maxconn ("
              + ha.maxconn()
              + ")");
    }
    if (ha.serverMaxconn() > pg.maxConnections() - PG_RESERVED_CONNECTIONS) {
      error(
          List.of("haproxy.server_maxconn", "postgres.max_connections"),
          "HAProxy may open "
              + ha.serverMaxconn()
              + " connections to one node, but postgres.max_connections ("
              + pg.maxConnections()
              + ") leaves only "
              + (pg.maxConnections() - PG_RESERVED_CONNECTIONS)
              + " after superuser and replication reserves: lower server_maxconn or raise max_connections");
    }

    range("redis.nodes", s.redis().nodes(), 1, 9);
    port("redis.port", s.redis().port());
    int replicas = s.redis().nodes() - 1;
    int minReplicas = s.redis().minReplicasToWrite();
    if (minReplicas < 0) {
      error("redis.min_replicas_to_write", "must not be negative (got " + minReplicas + ")");
    } else if (minReplicas > replicas && s.redis().nodes() >= 1) {
      error(
          List.of("redis.min_replicas_to_write", "redis.nodes"),
          "the master would refuse every write: it needs "
              + minReplicas
              + " replicas and there "
              + (replicas == 1 ? "is 1" : "are " + replicas));
    }
    Duration maxLag = s.redis().minReplicasMaxLag();
    if (maxLag.isNegative() || maxLag.isZero() || maxLag.toMillis() % 1000 != 0) {
      error(
          "redis.min_replicas_max_lag",
          "must be whole seconds, at least 1s, as Redis counts it (got "
              + Durations.format(maxLag)
              + ")");
    }
    if (!NAME.matcher(s.redis().masterName()).matches()) {
      error(
          "redis.master_name",
          "must be lowercase letters, digits and '-' (got '"
              + Problems.shown(s.redis().masterName())
              + "')");
    }
    var sen = s.sentinel();
    range("sentinel.count", sen.count(), 1, 9);
    port("sentinel.port", sen.port());
    if (sen.quorum() < 1) {
      error("sentinel.quorum", "must be at least 1 (got " + sen.quorum() + ")");
    } else if (sen.quorum() > sen.count()) {
      error(
          List.of("sentinel.quorum", "sentinel.count"),
          "quorum "
              + sen.quorum()
              + " is larger than the number of sentinels ("
              + sen.count()
              + "): no failover could ever be agreed");
    }
    if (s.redis().port().equals(sen.port())) {
      error(
          List.of("sentinel.port", "redis.port"),
          "sentinel.port and redis.port are both " + sen.port());
    }

    var gw = s.gateway();
    range("gateway.instances", gw.instances(), 0, 9);
    port("gateway.port", gw.port());
    positive("gateway.shutdown_grace", gw.shutdownGrace());
    positive("gateway.hold_deadline", gw.holdDeadline());
    range("workers.count", s.workers().count(), 0, 40);
    if (s.driver().equals("docker") && s.workers().count() > HostPorts.MAX_WORKERS) {
      error(
          List.of("workers.count", "driver"),
          "the docker driver publishes at most "
              + HostPorts.MAX_WORKERS
              + " workers' ports (got "
              + s.workers().count()
              + ")");
    }
    port("workers.port", s.workers().port());
    positive("workers.discovery_interval", s.workers().discoveryInterval());

    checkFailover(s);
  }

  private void checkFailover(StackSpec s) {
    var f = s.failover();
    if (FailoverProfile.find(f.profile()).isEmpty()) {
      error(
          "failover.profile",
          "unknown profile '" + f.profile() + "' (known: " + FailoverProfile.ids() + ")");
      return;
    }
    if (f.patroni().maximumLagOnFailover() != null) {
      error(
          "failover.patroni.maximum_lag_on_failover",
          "moved: it is a data-safety setting now, postgres.maximum_lag_on_failover");
    }
    FailoverTiming t = f.resolve();
    var p = t.patroni();
    range("failover.patroni.ttl", p.ttl(), 4, 3600);
    range("failover.patroni.loop_wait", p.loopWait(), 1, 600);
    range("failover.patroni.retry_timeout", p.retryTimeout(), 1, 600);
    // Patroni's own rule: a leader must be able to retry the DCS twice within one loop before its
    // key expires
    if (p.loopWait() + 2 * p.retryTimeout() > p.ttl()) {
      error(
          List.of(
              "failover.patroni.loop_wait",
              "failover.patroni.retry_timeout",
              "failover.patroni.ttl",
              "failover.profile"),
          "loop_wait + 2*retry_timeout ("
              + p.loopWait()
              + " + 2*"
              + p.retryTimeout()
              + " = "
              + (p.loopWait() + 2 * p.retryTimeout())
              + ") must be <= ttl ("
              + p.ttl()
              + "), as Patroni requires");
    }
    // Patroni 4 raises a ttl under its minimum and stores that: the stack would not run with what
    // the spec says, and every prediction would be short by the difference (docs/scenarios.md,
    // "On a fixed Patroni"). The local driver can only find this out from a running stack
    // (EffectiveTiming); here the release says it beforehand.
    DebianRelease.find(s.docker().debian())
        .filter(r -> p.ttl() < r.patroniMinimumTtl())
        .ifPresent(
            r ->
                error(
                    List.of("failover.patroni.ttl", "failover.profile", "docker.debian"),
                    r.codename()
                        + " runs Patroni 4, which raises a ttl under "
                        + r.patroniMinimumTtl()
                        + " s to "
                        + r.patroniMinimumTtl()
                        + " s: the stack would run with ttl "
                        + r.patroniMinimumTtl()
                        + ", not "
                        + p.ttl()
                        + "; set failover.patroni.ttl: "
                        + r.patroniMinimumTtl()
                        + " (or more) so the spec says what runs, and gateway.hold_deadline: 30s"
                        + " to hold writes through the longer failover, or stay on bookworm"));
    var h = t.haproxy();
    positive("failover.haproxy.inter", h.inter());
    positive("failover.haproxy.fastinter", h.fastinter());
    positive("failover.haproxy.downinter", h.downinter());
    range("failover.haproxy.fall", h.fall(), 1, 100);
    range("failover.haproxy.rise", h.rise(), 1, 100);
    if (h.fastinter().compareTo(h.inter()) > 0) {
      error(
          List.of("failover.haproxy.fastinter", "failover.haproxy.inter"),
          "fastinter ("
              + Durations.format(h.fastinter())
              + ") is meant to be shorter than inter ("
              + Durations.format(h.inter())
              + ")");
    }
    var sen = t.sentinel();
    positive("failover.sentinel.down_after", sen.downAfter());
    positive("failover.sentinel.failover_timeout", sen.failoverTimeout());
    if (sen.failoverTimeout().compareTo(sen.downAfter()) <= 0) {
      error(
          List.of("failover.sentinel.failover_timeout", "failover.sentinel.down_after"),
          "failover_timeout ("
              + Durations.format(sen.failoverTimeout())
              + ") must be longer than down_after ("
              + Durations.format(sen.downAfter())
              + ")");
    }
  }

  private void port(String field, int value) {
    if (value < 1 || value > 65535) {
      error(field, "must be a TCP port between 1 and 65535 (got " + value + ")");
    }
  }

  private void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      error(field, "must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  private void positive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) {
      error(field, "must be longer than zero");
    }
  }

  /** Ports one member listens on together: two the same would fail at bind time. */
  private void distinct(Map<String, Integer> ports) {
    Map<Integer, String> seen = new HashMap<>();
    ports.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              String other = seen.putIfAbsent(e.getValue(), e.getKey());
              if (other != null) {
                error(
                    List.of(e.getKey(), other),
                    "port " + e.getValue() + " is also used by " + other);
              }
            });
  }

  private void error(String field, String message) {
    problems.add(field, message);
  }

  private void error(List<String> fields, String message) {
    problems.add(fields, message);
  }
}
