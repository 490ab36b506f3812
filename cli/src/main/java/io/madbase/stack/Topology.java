package io.madbase.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * The members of a stack and their addresses, for one layout.
 *
 * <p>Local layout: every member has its own loopback address in the spec's subnet (STACK-NOTES,
 * "Layout that works"), so each can use the port a container would: postgres nodes at .1-.9,
 * HAProxy at .10, etcd at .11-.19, Redis at .21-.29, Sentinels at .31-.39, gateways at .41-.49,
 * workers from .51. Compose layout: each member is a service reached by its name.
 */
public record Topology(List<Member> members, boolean local) {

  public static final int HAPROXY_OFFSET = 10;
  static final int ETCD_OFFSET = 10;
  static final int REDIS_OFFSET = 20;
  static final int SENTINEL_OFFSET = 30;
  static final int GATEWAY_OFFSET = 40;
  static final int WORKER_OFFSET = 50;

  /** Members on their own loopback addresses, for the local driver. */
  public static Topology local(StackSpec spec) {
    String subnet = spec.local().subnet();
    return build(spec, (role, i) -> subnet + "." + (offset(role) + i), true);
  }

  /** Members as Compose services reached by name. */
  public static Topology compose(StackSpec spec) {
    return build(spec, (role, i) -> name(role, i), false);
  }

  /** The loopback address of a worker beyond the spec's count (a worker added at run time). */
  public static String localWorkerAddress(StackSpec spec, int index) {
    return spec.local().subnet() + "." + (WORKER_OFFSET + index);
  }

  private interface HostFn {
    String host(Role role, int index);
  }

  private static Topology build(StackSpec spec, HostFn host, boolean local) {
    List<Member> m = new ArrayList<>();
    add(m, Role.ETCD, spec.etcd().members(), host);
    add(m, Role.POSTGRES, spec.postgres().nodes(), host);
    add(m, Role.HAPROXY, 1, host);
    add(m, Role.REDIS, spec.redis().nodes(), host);
    add(m, Role.SENTINEL, spec.sentinel().count(), host);
    add(m, Role.GATEWAY, spec.gateway().instances(), host);
    add(m, Role.WORKER, spec.workers().count(), host);
    return new Topology(List.copyOf(m), local);
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

  public Member haproxy() {
    return of(Role.HAPROXY).get(0);
  }

  public Member member(String name) {
    return members.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member " + name));
  }
}
