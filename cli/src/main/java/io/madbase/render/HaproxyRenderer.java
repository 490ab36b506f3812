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

  /**
   * With two gateways or more, an HTTP listener in front of them: round-robin, a gateway checked on
   * {@code /health} (it stops answering when it drains, while {@code /ready} also follows the
   * database and would take every gateway out during a failover). A request opens its own
   * connection to a gateway (http-server-close): a draining gateway closes its listener at once, so
   * a request it cannot take is refused before anything was sent and retried on another one
   * (retry-on conn-failure, redispatch); on a kept-alive connection it would be answered 503. A
   * connection closed with no answer (empty-response) is retried too, but not for a POST or PATCH
   * without an Idempotency-Key: HAProxy's manual warns that replaying such a request is unsafe.
   */
  private static String gateways(RenderContext ctx, Map<String, String> v) {
    var gws = ctx.topology().of(Role.GATEWAY);
    if (gws.size() < 2) {
      return "";
    }
    var spec = ctx.spec();
    StringBuilder s =
        new StringBuilder("\nlisten gateways\n")
            .append("    mode http\n")
            .append("    bind ")
            .append(v.get("bind_host"))
            .append(':')
            .append(spec.haproxy().gatewaysPort())
            .append('\n')
            .append("    balance roundrobin\n")
            .append("    option httpchk GET /health\n")
            .append("    http-check expect status 200\n")
            .append("    option http-server-close\n")
            .append("    option redispatch 1\n")
            .append("    retries 3\n")
            .append("    retry-on conn-failure empty-response\n")
            // a write the gateway may have run before its connection closed is not sent twice
            // unless the client made it safe to repeat (Idempotency-Key): the outcome of such a
            // write stays the client's to find out, as with one gateway (docs/gateway.md)
            .append(
                "    http-request disable-l7-retry if { method POST PATCH }"
                    + " !{ req.hdr(idempotency-key) -m found }\n")
            .append("    default-server ")
            .append(v.get("check_timing"))
            // a gateway back from a restart is a cold JVM: its share of requests grows over 10 s
            .append(" slowstart 10s")
            .append(v.get("server_resolution"))
            .append('\n');
    for (var m : gws) {
      s.append("    server ")
          .append(m.name())
          .append(' ')
          .append(m.host())
          .append(':')
          .append(spec.gateway().port())
          .append(" check\n");
    }
    return s.toString();
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
    v.put("gateways", gateways(ctx, v));
    return List.of(
        new RenderedFile(
            "haproxy/haproxy.cfg", Template.load("haproxy/haproxy.cfg").render(v), false));
  }
}
