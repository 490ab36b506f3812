package io.madbase.render;

import io.madbase.stack.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** haproxy.cfg: a primary and a replicas listener, checked against Patroni's REST API. */
final class HaproxyRenderer {
  private HaproxyRenderer() {}

  /** HAProxy's spelling: whole seconds where exact, else milliseconds. */
  static String haproxyDuration(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  static List<RenderedFile> render(RenderContext ctx) {
    var spec = ctx.spec();
    var ha = spec.haproxy();
    var checks = spec.timing().haproxy();
    String servers =
        ctx.topology().of(Role.POSTGRES).stream()
            .map(
                m ->
                    "    server "
                        + m.name()
                        + " "
                        + m.host()
                        + ":"
                        + spec.postgres().port()
                        + " maxconn "
                        + ha.serverMaxconn()
                        + " check port "
                        + spec.postgres().restPort())
            .collect(Collectors.joining("\n"));
    Map<String, String> v = new HashMap<>();
    v.put("stack", spec.name());
    v.put("profile", ctx.profile());
    v.put("maxconn", ha.maxconn().toString());
    v.put(
        "stats_socket",
        ctx.local()
            ? "    stats socket "
                + ctx.layout().runDir().resolve("haproxy.sock")
                + " mode 600 level admin\n"
            : "");
    v.put("bind_host", ctx.listenHost(ctx.topology().haproxy()));
    v.put("stats_port", ha.statsPort().toString());
    v.put("primary_port", ha.primaryPort().toString());
    v.put("replicas_port", ha.replicasPort().toString());
    v.put(
        "check_timing",
        "inter "
            + haproxyDuration(checks.inter())
            + " fastinter "
            + haproxyDuration(checks.fastinter())
            + " downinter "
            + haproxyDuration(checks.downinter())
            + " fall "
            + checks.fall()
            + " rise "
            + checks.rise());
    // In containers, node names resolve through Docker's DNS, and a node that is not up yet
    // must not stop HAProxy from starting (init-addr none): it is checked and routed to once it is.
    v.put(
        "resolvers",
        ctx.local()
            ? ""
            : "\nresolvers docker\n    nameserver dns 127.0.0.11:53\n    hold valid 1s\n");
    v.put("server_resolution", ctx.local() ? "" : " resolvers docker init-addr last,libc,none");
    v.put("primary_servers", servers);
    v.put("replica_servers", servers);
    return List.of(
        new RenderedFile(
            "haproxy/haproxy.cfg", Template.load("haproxy/haproxy.cfg").render(v), false));
  }
}
