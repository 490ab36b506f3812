package io.madbase.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * The members of a stack, the address each is known by inside the stack, and where madbase itself
 * reaches each of their ports.
 *
 * <p>Local layout: every member has its own loopback address in the spec's subnet
 * (docs/running-natively.md), so each can use the port a container would: postgres nodes at .1-.9,
 * HAProxy at .10, etcd at .11-.19, Redis at .21-.29, Sentinels at .31-.39, gateways at .41-.49,
 * workers from .51; madbase connects to those same addresses. Compose layout: each member is a
 * service reached by its name inside the stack's network, and madbase connects to the ports it
 * publishes on 127.0.0.1 ({@link HostPorts}).
 *
 * @param ports the port numbers members listen on inside the stack
 * @param reach where madbase connects to a member's port
 */
public record Topology(
    List<Member> members, boolean local, java.util.Map<Port, Integer> ports, Reach reach) {

  public static final int HAPROXY_OFFSET = 10;
  static final int ETCD_OFFSET = 10;
  static final int REDIS_OFFSET = 20;
  static final int SENTINEL_OFFSET = 30;
  static final int GATEWAY_OFFSET = 40;
  static final int WORKER_OFFSET = 50;

  /** Where madbase connects to one port of a member. */
  @FunctionalInterface
  public interface Reach {
    Endpoint endpoint(Member m, Port p);
  }

  /** Members on their own loopback addresses, for the local driver. */
  public static Topology local(StackSpec spec) {
    String subnet = spec.local().subnet();
    return build(
        spec,
        (role, i) -> subnet + "." + (offset(role) + i),
        true,
        (m, p) -> new Endpoint(m.host(), p.number(spec)));
  }

  /** Members as Compose services reached by name, madbase reaching them on 127.0.0.1. */
  public static Topology compose(StackSpec spec) {
    return build(
        spec,
        (role, i) -> name(role, i),
        false,
        (m, p) -> new Endpoint("127.0.0.1", HostPorts.of(spec, m, p)));
  }

  /** The loopback address of a worker beyond the spec's count (a worker added at run time). */
  public static String localWorkerAddress(StackSpec spec, int index) {
    return spec.local().subnet() + "." + (WORKER_OFFSET + index);
  }

  private interface HostFn {
    String host(Role role, int index);
  }

  private static Topology build(StackSpec spec, HostFn host, boolean local, Reach reach) {
    List<Member> m = new ArrayList<>();
    add(m, Role.ETCD, spec.etcd().members(), host);
    add(m, Role.POSTGRES, spec.postgres().nodes(), host);
    add(m, Role.HAPROXY, 1, host);
    add(m, Role.REDIS, spec.redis().nodes(), host);
    add(m, Role.SENTINEL, spec.sentinel().count(), host);
    add(m, Role.GATEWAY, spec.gateway().instances(), host);
    add(m, Role.WORKER, spec.workers().count(), host);
    java.util.Map<Port, Integer> ports = new java.util.EnumMap<>(Port.class);
    for (Port p : Port.values()) {
      ports.put(p, p.number(spec));
    }
    return new Topology(List.copyOf(m), local, java.util.Collections.unmodifiableMap(ports), reach);
  }

  private static void add(List<Member> into, Role role, int count, HostFn host) {
    for (int i = 1; i <= count; i++) {
      into.add(new Member(role, name(role, i), i, host.host(role, i)));
    }
  }

  static int offset(Role role) {
    return switch (role) {
      case POSTGRES -> 0;
      case HAPROXY -> HAPROXY_OFFSET - 1;
      case ETCD -> ETCD_OFFSET;
      case REDIS -> REDIS_OFFSET;
      case SENTINEL -> SENTINEL_OFFSET;
      case GATEWAY -> GATEWAY_OFFSET;
      case WORKER -> WORKER_OFFSET;
    };
  }

  /** The member's name: e1, pg1, haproxy, r1, s1, gw1, w1. */
  public static String name(Role role, int index) {
    return switch (role) {
      case ETCD -> "e" + index;
      case POSTGRES -> "pg" + index;
      case HAPROXY -> "haproxy";
      case REDIS -> "r" + index;
      case SENTINEL -> "s" + index;
      case GATEWAY -> "gw" + index;
      case WORKER -> "w" + index;
    };
  }

  public List<Member> of(Role role) {
    return members.stream().filter(m -> m.role() == role).toList();
  }

  /**
   * Where clients reach the gateways: HAProxy's gateways port when there are two or more (a gateway
   * that restarts is taken out there, and no request is lost), else the one gateway itself; empty
   * without a gateway.
   */
  public java.util.Optional<Endpoint> gatewayEntry() {
    List<Member> gateways = of(Role.GATEWAY);
    if (gateways.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        gatewaysBehindHaproxy()
            ? endpoint(haproxy(), Port.HAPROXY_GATEWAYS)
            : endpoint(gateways.get(0), Port.GATEWAY));
  }

  /** Whether HAProxy has a gateways listener: with two gateways or more (docs/stack.md). */
  public boolean gatewaysBehindHaproxy() {
    return of(Role.GATEWAY).size() >= 2;
  }

  /**
   * The ports {@code m} listens on in this stack: every port of its role, but HAProxy's gateways
   * listener only when there are two gateways or more.
   */
  public List<Port> ports(Member m) {
    return java.util.Arrays.stream(Port.values())
        .filter(p -> p.role() == m.role())
        .filter(p -> p != Port.HAPROXY_GATEWAYS || gatewaysBehindHaproxy())
        .toList();
  }

  public Member haproxy() {
    return of(Role.HAPROXY).get(0);
  }

  public Member member(String name) {
    return members.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member " + name));
  }

  /** Where madbase connects to {@code port} of {@code m}. */
  public Endpoint endpoint(Member m, Port port) {
    return reach.endpoint(m, port);
  }

  /** Where madbase connects to one of HAProxy's listeners. */
  public Endpoint haproxy(Port port) {
    return reach.endpoint(haproxy(), port);
  }

  /**
   * The member a Redis node is known as inside the stack: Sentinel names masters and replicas by
   * the address they announce, which is a member's {@link Member#host()}.
   */
  public java.util.Optional<Member> redisAt(String announcedHost) {
    return of(Role.REDIS).stream().filter(m -> m.host().equals(announcedHost)).findFirst();
  }

  /**
   * Where madbase reaches an address a member announces inside the stack (a Redis master named by
   * the Sentinels): that member's endpoint, or the address itself when no member announces it.
   */
  public Endpoint reachable(Endpoint announced) {
    return members.stream()
        .filter(m -> m.host().equals(announced.host()))
        .flatMap(
            m ->
                ports(m).stream()
                    .filter(p -> ports.get(p) == announced.port())
                    .map(p -> endpoint(m, p)))
        .findFirst()
        .orElse(announced);
  }
}
