package io.madbase.stack;

/** A port a member listens on, inside the stack, as the spec sets it. */
public enum Port {
  POSTGRES(Role.POSTGRES),
  PATRONI_REST(Role.POSTGRES),
  ETCD_CLIENT(Role.ETCD),
  HAPROXY_PRIMARY(Role.HAPROXY),
  HAPROXY_REPLICAS(Role.HAPROXY),
  HAPROXY_STATS(Role.HAPROXY),
  /** HTTP in front of the gateways, with two or more of them. */
  HAPROXY_GATEWAYS(Role.HAPROXY),
  REDIS(Role.REDIS),
  SENTINEL(Role.SENTINEL),
  GATEWAY(Role.GATEWAY),
  WORKER(Role.WORKER);

  private final Role role;

  Port(Role role) {
    this.role = role;
  }

  /** The kind of member that listens on it. */
  public Role role() {
    return role;
  }

  /** The port number the member listens on (in its container, or on its loopback address). */
  public int number(StackSpec spec) {
    return switch (this) {
      case POSTGRES -> spec.postgres().port();
      case PATRONI_REST -> spec.postgres().restPort();
      case ETCD_CLIENT -> spec.etcd().clientPort();
      case HAPROXY_PRIMARY -> spec.haproxy().primaryPort();
      case HAPROXY_REPLICAS -> spec.haproxy().replicasPort();
      case HAPROXY_GATEWAYS -> spec.haproxy().gatewaysPort();
      case HAPROXY_STATS -> spec.haproxy().statsPort();
      case REDIS -> spec.redis().port();
      case SENTINEL -> spec.sentinel().port();
      case GATEWAY -> spec.gateway().port();
      case WORKER -> spec.workers().port();
    };
  }
}
