package io.madbase.render;

import io.madbase.common.Durations;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The gateway's environment (the variable names the platform's gateway uses) and the worker list.
 */
final class GatewayRenderer {
  private GatewayRenderer() {}

  static List<RenderedFile> render(RenderContext ctx) {
    var spec = ctx.spec();
    Template t = Template.load("gateway/gateway.env");
    Member haproxy = ctx.topology().haproxy();
    String sentinels =
        ctx.topology().of(Role.SENTINEL).stream()
            .map(m -> m.host() + ":" + spec.sentinel().port())
            .collect(Collectors.joining(","));
    List<RenderedFile> out = new ArrayList<>();
    for (Member m : ctx.topology().of(Role.GATEWAY)) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("stack", spec.name());
      v.put("port", spec.gateway().port().toString());
      v.put("bind_host", ctx.listenHost(m));
      v.put("app_user", RenderContext.APP_USER);
      v.put("app_password", ctx.secrets().app().reveal());
      v.put("haproxy_host", haproxy.host());
      v.put("primary_port", spec.haproxy().primaryPort().toString());
      v.put("replicas_port", spec.haproxy().replicasPort().toString());
      v.put("database", RenderContext.DATABASE);
      v.put("redis_password", ctx.secrets().redis().reveal());
      v.put("sentinels", sentinels);
      v.put("master_name", spec.redis().masterName());
      // a file the driver rewrites as workers come and go (in a container: a bind-mounted folder)
      v.put(
          "worker_discovery",
          ctx.local()
              ? "WORKER_DISCOVERY_FILE=" + ctx.layout().workersFile()
              : "WORKER_DISCOVERY_FILE=" + ComposeRenderer.WORKERS_FILE_IN_CONTAINER);
      v.put("discovery_interval", Durations.format(spec.workers().discoveryInterval()));
      v.put("shutdown_grace", Durations.format(spec.gateway().shutdownGrace()));
      v.put("drain_delay", Durations.format(spec.gatewayDrainDelay()));
      v.put("hold_deadline", Durations.format(spec.gateway().holdDeadline()));
      out.add(new RenderedFile("gateway/" + m.name() + ".env", t.render(v), true));
    }
    if (ctx.local()) {
      out.add(new RenderedFile("gateway/workers.list", workerUrls(ctx, "\n") + "\n", false));
    }
    return out;
  }

  static String workerUrls(RenderContext ctx, String separator) {
    return ctx.topology().of(Role.WORKER).stream()
        .map(w -> "http://" + w.host() + ":" + ctx.spec().workers().port())
        .collect(Collectors.joining(separator));
  }
}
