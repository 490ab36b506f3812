package io.madbase.stack;

import java.time.Duration;
import java.util.Objects;

/**
 * The whole stack as described by {@code madbase.yaml}. Every field has a default, so an empty file
 * (or none at all) describes the standard stack: 3 etcd, 3 Patroni/PostgreSQL 15, HAProxy, Redis
 * master + 2 replicas, 3 Sentinels, one gateway and two workers.
 *
 * <p>Fields are boxed in the canonical constructors only so that a missing YAML key can be told
 * from an explicit value; the compact constructors replace every null with its default. Values are
 * checked by {@link StackSpecValidator}, never here, so that all problems are reported at once.
 */
public record StackSpec(
    String name,
    String driver,
    Local local,
    Docker docker,
    Etcd etcd,
    Postgres postgres,
    Haproxy haproxy,
    Redis redis,
    Sentinel sentinel,
    Gateway gateway,
    Workers workers,
    Failover failover) {

  public static final String DEFAULT_NAME = "madbase";

  /** The driver that runs the stack when the file names none: native processes on loopback. */
  public static final String DEFAULT_DRIVER = "local";

  public StackSpec {
    name = Objects.requireNonNullElse(name, DEFAULT_NAME);
    driver = Objects.requireNonNullElse(driver, DEFAULT_DRIVER);
    local = Objects.requireNonNullElseGet(local, () -> new Local(null, null, null));
    docker = Objects.requireNonNullElseGet(docker, () -> new Docker(null, null, null, null));
    etcd = Objects.requireNonNullElseGet(etcd, () -> new Etcd(null, null, null));
    postgres =
        Objects.requireNonNullElseGet(
            postgres, () -> new Postgres(null, null, null, null, null, null, null, null));
    haproxy =
        Objects.requireNonNullElseGet(
            haproxy, () -> new Haproxy(null, null, null, null, null, null));
    redis = Objects.requireNonNullElseGet(redis, () -> new Redis(null, null, null, null, null));
    sentinel = Objects.requireNonNullElseGet(sentinel, () -> new Sentinel(null, null, null));
    gateway = Objects.requireNonNullElseGet(gateway, () -> new Gateway(null, null, null, null));
    workers = Objects.requireNonNullElseGet(workers, () -> new Workers(null, null, null));
    failover = Objects.requireNonNullElseGet(failover, () -> new Failover(null, null, null, null));
  }

  /** The standard stack, as if madbase.yaml were empty. */
  public static StackSpec defaults() {
    return new StackSpec(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * This spec with Patroni's DCS timing replaced by {@code ttl}, {@code loopWait} and {@code
   * retryTimeout}: what a running cluster actually uses, when Patroni changed what it was given.
   */
  public StackSpec withPatroniTiming(int ttl, int loopWait, int retryTimeout) {
    return new StackSpec(
        name,
        driver,
        local,
        docker,
        etcd,
        postgres,
        haproxy,
        redis,
        sentinel,
        gateway,
        workers,
        new Failover(
            failover.profile(),
            new PatroniOverrides(
                ttl, loopWait, retryTimeout, failover.patroni().maximumLagOnFailover()),
            failover.haproxy(),
            failover.sentinel()));
  }

  /** This spec with Patroni's failsafe mode as given. */
  public StackSpec withFailsafeMode(boolean on) {
    return withPostgres(
        new Postgres(
            postgres.nodes(),
            postgres.port(),
            postgres.restPort(),
            postgres.maxConnections(),
            postgres.sharedBuffers(),
            postgres.synchronousMode(),
            on,
            postgres.maximumLagOnFailover()));
  }

  /** This spec with its postgres section replaced. */
  public StackSpec withPostgres(Postgres pg) {
    return new StackSpec(
        name, driver, local, docker, etcd, pg, haproxy, redis, sentinel, gateway, workers,
        failover);
  }

  /** This spec with its redis section replaced. */
  public StackSpec withRedis(Redis r) {
    return new StackSpec(
        name, driver, local, docker, etcd, postgres, haproxy, r, sentinel, gateway, workers,
        failover);
  }

  /** The failover timing in force: the profile's values with this file's overrides applied. */
  public FailoverTiming timing() {
    return failover.resolve();
  }

  /**
   * How long a gateway keeps serving after SIGTERM, with /health failing, before its listener
   * closes (the gateway's DRAIN_DELAY): with two gateways or more, long enough for HAProxy's checks
   * to take it out of the gateways listener (one interval, then fall checks at fastinter, and a
   * second for a busy machine), so no request meets a closed listener or a draining gateway's 503;
   * 0 with one gateway, which has nobody to hand its clients to.
   */
  public java.time.Duration gatewayDrainDelay() {
    if (gateway.instances() < 2) {
      return java.time.Duration.ZERO;
    }
    var checks = timing().haproxy();
    return checks.inter().plus(checks.fastinter().multipliedBy(checks.fall())).plusSeconds(1);
  }

  /**
   * Where the local driver puts the members: each on its own loopback address {@code <subnet>.<n>},
   * with the ports a container would have.
   */
  public record Local(String subnet, String postgresUser, String patroni) {
    public static final String DEFAULT_SUBNET = "127.0.1";

    /** Debian's package. */
    public static final String DEFAULT_PATRONI = "/usr/bin/patroni";

    public Local {
      subnet = Objects.requireNonNullElse(subnet, DEFAULT_SUBNET);
      postgresUser = Objects.requireNonNullElse(postgresUser, "postgres");
      patroni = Objects.requireNonNullElse(patroni, DEFAULT_PATRONI);
    }
  }

  /** This spec run by another driver ("local" or "docker"). */
  public StackSpec withDriver(String driverName) {
    return new StackSpec(
        name,
        driverName,
        local,
        docker,
        etcd,
        postgres,
        haproxy,
        redis,
        sentinel,
        gateway,
        workers,
        failover);
  }

  /**
   * Where the docker driver runs the stack: images built on the Debian release {@code debian}
   * ({@link DebianRelease}: bookworm or trixie) from that release's packages, from {@code
   * baseImage} (default {@code debian:<release>}; when the engine has none and cannot pull it,
   * madbase builds one from Debian's packages with debootstrap), and every port madbase itself
   * connects to published on 127.0.0.1 from {@code hostPortBase} on (see {@link HostPorts}).
   */
  public record Docker(String baseImage, Integer hostPortBase, String debianMirror, String debian) {
    public static final int DEFAULT_HOST_PORT_BASE = 15400;
    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

    public Docker {
      debian = Objects.requireNonNullElse(debian, DebianRelease.DEFAULT.codename());
      // the release's own image unless the file names another (the validator checks they agree)
      baseImage = Objects.requireNonNullElse(baseImage, "debian:" + debian);
      hostPortBase = Objects.requireNonNullElse(hostPortBase, DEFAULT_HOST_PORT_BASE);
      debianMirror = Objects.requireNonNullElse(debianMirror, DEFAULT_MIRROR);
    }
  }

  /** The etcd cluster Patroni keeps its leader key in. */
  public record Etcd(Integer members, Integer clientPort, Integer peerPort) {
    public Etcd {
      members = Objects.requireNonNullElse(members, 3);
      clientPort = Objects.requireNonNullElse(clientPort, 2379);
      peerPort = Objects.requireNonNullElse(peerPort, 2380);
    }
  }

  /**
   * PostgreSQL 15 nodes under Patroni: one leader, the rest streaming replicas.
   *
   * @param synchronousMode whether a commit waits for a standby ({@link SynchronousMode})
   * @param maximumLagOnFailover bytes of WAL a replica may be behind and still be promoted in a
   *     failover (Patroni's setting; it does not apply to the synchronous standby)
   */
  public record Postgres(
      Integer nodes,
      Integer port,
      Integer restPort,
      Integer maxConnections,
      String sharedBuffers,
      SynchronousMode synchronousMode,
      Boolean failsafeMode,
      Long maximumLagOnFailover) {
    /** Patroni's default. */
    public static final long DEFAULT_MAXIMUM_LAG_ON_FAILOVER = 1_048_576L;

    public Postgres {
      nodes = Objects.requireNonNullElse(nodes, 3);
      port = Objects.requireNonNullElse(port, 5432);
      restPort = Objects.requireNonNullElse(restPort, 8008);
      maxConnections = Objects.requireNonNullElse(maxConnections, 200);
      sharedBuffers = Objects.requireNonNullElse(sharedBuffers, "32MB");
      synchronousMode = Objects.requireNonNullElse(synchronousMode, SynchronousMode.OFF);
      failsafeMode = Objects.requireNonNullElse(failsafeMode, false);
      maximumLagOnFailover =
          Objects.requireNonNullElse(maximumLagOnFailover, DEFAULT_MAXIMUM_LAG_ON_FAILOVER);
    }
  }

  /**
   * HAProxy: a primary listener and a round-robin replicas listener, health-checked via Patroni.
   */
  public record Haproxy(
      Integer primaryPort,
      Integer replicasPort,
      Integer statsPort,
      Integer maxconn,
      Integer serverMaxconn,
      Integer gatewaysPort) {
    public Haproxy {
      primaryPort = Objects.requireNonNullElse(primaryPort, 5433);
      replicasPort = Objects.requireNonNullElse(replicasPort, 5434);
      statsPort = Objects.requireNonNullElse(statsPort, 7000);
      // with two gateways or more: HTTP, round-robin over the gateways (docs/stack.md)
      gatewaysPort = Objects.requireNonNullElse(gatewaysPort, 8080);
      maxconn = Objects.requireNonNullElse(maxconn, 1000);
      serverMaxconn = Objects.requireNonNullElse(serverMaxconn, 150);
    }
  }

  /**
   * Redis: the first node starts as master, the others replicate it.
   *
   * @param minReplicasToWrite Redis's {@code min-replicas-to-write}: a master refuses writes
   *     ({@code NOREPLICAS}) unless this many replicas have acknowledged within {@code
   *     minReplicasMaxLag}; 0 (Redis's default) never refuses
   * @param minReplicasMaxLag Redis's {@code min-replicas-max-lag}, whole seconds
   */
  public record Redis(
      Integer nodes,
      Integer port,
      String masterName,
      Integer minReplicasToWrite,
      Duration minReplicasMaxLag) {
    public Redis {
      nodes = Objects.requireNonNullElse(nodes, 3);
      port = Objects.requireNonNullElse(port, 6379);
      masterName = Objects.requireNonNullElse(masterName, "mymaster");
      minReplicasToWrite = Objects.requireNonNullElse(minReplicasToWrite, 0);
      // Redis's default
      minReplicasMaxLag = Objects.requireNonNullElse(minReplicasMaxLag, Duration.ofSeconds(10));
    }
  }

  /** Redis Sentinels watching the master; {@code quorum} of them must agree it is down. */
  public record Sentinel(Integer count, Integer port, Integer quorum) {
    public Sentinel {
      count = Objects.requireNonNullElse(count, 3);
      port = Objects.requireNonNullElse(port, 26379);
      quorum = Objects.requireNonNullElse(quorum, 2);
    }
  }

  /** gateway-lite instances in front of the stack. */
  public record Gateway(
      Integer instances, Integer port, Duration shutdownGrace, Duration holdDeadline) {
    public Gateway {
      instances = Objects.requireNonNullElse(instances, 1);
      port = Objects.requireNonNullElse(port, 8080);
      shutdownGrace = Objects.requireNonNullElse(shutdownGrace, Duration.ofSeconds(10));
      // covers a fast-profile crash failover (ttl 10 s + election + HAProxy rise) with margin
      holdDeadline = Objects.requireNonNullElse(holdDeadline, Duration.ofSeconds(20));
    }
  }

  /**
   * Tiny HTTP upstreams behind the gateway's {@code /functions/v1/*}; the gateway re-reads the list
   * of workers every {@code discoveryInterval}.
   */
  public record Workers(Integer count, Integer port, Duration discoveryInterval) {
    public Workers {
      count = Objects.requireNonNullElse(count, 2);
      port = Objects.requireNonNullElse(port, 9000);
      discoveryInterval = Objects.requireNonNullElse(discoveryInterval, Duration.ofSeconds(30));
    }
  }

  /**
   * Failover timing: a named profile, and any of its values overridden. The profile's values are in
   * {@link FailoverProfile}.
   */
  public record Failover(
      String profile,
      PatroniOverrides patroni,
      HaproxyOverrides haproxy,
      SentinelOverrides sentinel) {
    public Failover {
      profile = Objects.requireNonNullElse(profile, FailoverProfile.FAST.id());
      patroni =
          Objects.requireNonNullElseGet(
              patroni, () -> new PatroniOverrides(null, null, null, null));
      haproxy =
          Objects.requireNonNullElseGet(
              haproxy, () -> new HaproxyOverrides(null, null, null, null, null));
      sentinel = Objects.requireNonNullElseGet(sentinel, () -> new SentinelOverrides(null, null));
    }

    /** The profile's values with the overrides applied; an unknown profile falls back to fast. */
    public FailoverTiming resolve() {
      FailoverTiming base = FailoverProfile.find(profile).orElse(FailoverProfile.FAST).timing();
      var p = base.patroni();
      var h = base.haproxy();
      var s = base.sentinel();
      return new FailoverTiming(
          new FailoverTiming.Patroni(
              Objects.requireNonNullElse(patroni.ttl(), p.ttl()),
              Objects.requireNonNullElse(patroni.loopWait(), p.loopWait()),
              Objects.requireNonNullElse(patroni.retryTimeout(), p.retryTimeout())),
          new FailoverTiming.HaproxyChecks(
              Objects.requireNonNullElse(haproxy.inter(), h.inter()),
              Objects.requireNonNullElse(haproxy.fastinter(), h.fastinter()),
              Objects.requireNonNullElse(haproxy.downinter(), h.downinter()),
              Objects.requireNonNullElse(haproxy.fall(), h.fall()),
              Objects.requireNonNullElse(haproxy.rise(), h.rise())),
          new FailoverTiming.Sentinel(
              Objects.requireNonNullElse(sentinel.downAfter(), s.downAfter()),
              Objects.requireNonNullElse(sentinel.failoverTimeout(), s.failoverTimeout())));
    }
  }

  /**
   * Patroni's DCS timing in seconds, as Patroni spells it. Null means "the profile's value". {@code
   * maximumLagOnFailover} is only read to say that it moved to {@code
   * postgres.maximum_lag_on_failover} (it is a data-safety setting, not a timing).
   */
  public record PatroniOverrides(
      Integer ttl, Integer loopWait, Integer retryTimeout, Long maximumLagOnFailover) {}

  /** HAProxy health-check timing. Null means "the profile's value". */
  public record HaproxyOverrides(
      Duration inter, Duration fastinter, Duration downinter, Integer fall, Integer rise) {}

  /** Sentinel timing. Null means "the profile's value". */
  public record SentinelOverrides(Duration downAfter, Duration failoverTimeout) {}
}
