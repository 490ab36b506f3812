package io.madbase.stack;

/**
 * The ports a containerised stack publishes on 127.0.0.1, so that madbase (probes, status, load,
 * the etcd and Patroni clients) reaches every member without touching container addresses. One
 * block of ten per kind of port, from {@code docker.host_port_base} (B, default 15400):
 *
 * <pre>
 *   B+1..9    postgres of pg1..pg9          B+41..49  Redis r1..r9
 *   B+11..19  Patroni REST of pg1..pg9      B+51..59  Sentinel s1..s9
 *   B+21..29  etcd client of e1..e9         B+61..69  gateway gw1..gw9
 *   B+33, 34  HAProxy primary, replicas     B+71..99  workers w1..w29 (added ones too)
 *   B+35      HAProxy stats
 *   B+36      HAProxy gateways (HTTP)
 * </pre>
 *
 * With the default base, HAProxy's primary and replicas listeners are 15433 and 15434.
 */
public final class HostPorts {
  /** The most workers a published layout has room for (the spec's and those added at run time). */
  public static final int MAX_WORKERS = 29;

  private HostPorts() {}

  public static int of(StackSpec spec, Member m, Port p) {
    if (m.role() != p.role()) {
      throw new IllegalArgumentException(m.name() + " does not listen on " + p);
    }
    int base = spec.docker().hostPortBase();
    return base
        + switch (p) {
          case POSTGRES -> m.index();
          case PATRONI_REST -> 10 + m.index();
          case ETCD_CLIENT -> 20 + m.index();
          case HAPROXY_PRIMARY -> 33;
          case HAPROXY_REPLICAS -> 34;
          case HAPROXY_STATS -> 35;
          case HAPROXY_GATEWAYS -> 36;
          case REDIS -> 40 + m.index();
          case SENTINEL -> 50 + m.index();
          case GATEWAY -> 60 + m.index();
          case WORKER -> 70 + m.index();
        };
  }

  /** The highest port the layout can use: base + 99. */
  public static int last(StackSpec spec) {
    return spec.docker().hostPortBase() + 70 + MAX_WORKERS;
  }
}
