package io.madbase.render;

import io.madbase.common.Durations;
import io.madbase.stack.HostPorts;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * docker-compose.yml, built from one template fragment per service, and the Dockerfile of each
 * image it builds. It is the whole truth about a containerised stack: the docker driver runs this
 * very file, and {@code docker-compose up} on it by hand gives the same stack. Every port madbase
 * connects to is published on 127.0.0.1 ({@link HostPorts}); members reach each other by service
 * name on the project's own network.
 */
public final class ComposeRenderer {
  /** The discovery list the gateway reads, rewritten by the driver as workers come and go. */
  static final String WORKERS_FILE = "discovery/workers.list";

  /** Where the gateway container sees that folder. */
  static final String WORKERS_FILE_IN_CONTAINER = "/etc/madbase/discovery/workers.list";

  private ComposeRenderer() {}

  static List<RenderedFile> render(RenderContext ctx) {
    var spec = ctx.spec();
    var topo = ctx.topology();
    StringBuilder yml = new StringBuilder();
    yml.append(
        Template.load("compose/header.yml")
            .render(
                Map.of(
                    "stack",
                    spec.name(),
                    "profile",
                    ctx.profile(),
                    "base_image",
                    spec.docker().baseImage())));

    List<String> volumes = new ArrayList<>();
    Template etcd = Template.load("compose/etcd.yml");
    for (Member m : topo.of(Role.ETCD)) {
      yml.append(
          etcd.render(
              Map.of(
                  "name", m.name(),
                  "image", image(ctx, m),
                  "client_port", spec.etcd().clientPort().toString(),
                  "client_host_port", published(ctx, m, Port.ETCD_CLIENT))));
      volumes.add(m.name());
    }
    String etcdHealthy =
        topo.of(Role.ETCD).stream()
            .map(m -> "      " + m.name() + ": {condition: service_healthy}")
            .collect(Collectors.joining("\n"));
    Template patroni = Template.load("compose/patroni.yml");
    for (Member m : topo.of(Role.POSTGRES)) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("image", image(ctx, m));
      v.put("pg_port", spec.postgres().port().toString());
      v.put("rest_port", spec.postgres().restPort().toString());
      v.put("pg_host_port", published(ctx, m, Port.POSTGRES));
      v.put("rest_host_port", published(ctx, m, Port.PATRONI_REST));
      v.put("etcd_healthy", etcdHealthy);
      yml.append(patroni.render(v));
      volumes.add(m.name());
    }
    var ha = spec.haproxy();
    Member haproxy = topo.haproxy();
    Map<String, String> hv = new HashMap<>();
    hv.put("image", image(ctx, haproxy));
    hv.put("primary_port", ha.primaryPort().toString());
    hv.put("replicas_port", ha.replicasPort().toString());
    hv.put("stats_port", ha.statsPort().toString());
    hv.put("primary_host_port", published(ctx, haproxy, Port.HAPROXY_PRIMARY));
    hv.put("replicas_host_port", published(ctx, haproxy, Port.HAPROXY_REPLICAS));
    hv.put("stats_host_port", published(ctx, haproxy, Port.HAPROXY_STATS));
    // the gateways' HTTP listener exists only with two gateways or more (HaproxyRenderer)
    hv.put(
        "gateways_published",
        topo.of(Role.GATEWAY).size() < 2
            ? ""
            : "\n      - \"127.0.0.1:"
                + published(ctx, haproxy, Port.HAPROXY_GATEWAYS)
                + ":"
                + ha.gatewaysPort()
                + "\"");
    hv.put("postgres_services", names(ctx, Role.POSTGRES));
    yml.append(Template.load("compose/haproxy.yml").render(hv));

    Template redis = Template.load("compose/redis.yml");
    for (Member m : topo.of(Role.REDIS)) {
      yml.append(
          redis.render(
              Map.of(
                  "name", m.name(),
                  "image", image(ctx, m),
                  "port", spec.redis().port().toString(),
                  "host_port", published(ctx, m, Port.REDIS))));
    }
    Template sentinel = Template.load("compose/sentinel.yml");
    for (Member m : topo.of(Role.SENTINEL)) {
      yml.append(
          sentinel.render(
              Map.of(
                  "name", m.name(),
                  "image", image(ctx, m),
                  "port", spec.sentinel().port().toString(),
                  "host_port", published(ctx, m, Port.SENTINEL),
                  "redis_services", names(ctx, Role.REDIS))));
    }
    Template gateway = Template.load("compose/gateway.yml");
    for (Member m : topo.of(Role.GATEWAY)) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("image", image(ctx, m));
      v.put("port", spec.gateway().port().toString());
      v.put("host_port", published(ctx, m, Port.GATEWAY));
      v.put("sentinel_services", names(ctx, Role.SENTINEL));
      // the engine's SIGKILL must come after the gateway's own grace period has run out
      v.put("stop_grace", Durations.format(spec.gateway().shutdownGrace().plusSeconds(5)));
      yml.append(gateway.render(v));
    }
    for (Member m : topo.of(Role.WORKER)) {
      yml.append(workerService(spec, m));
    }
    if (!volumes.isEmpty()) {
      yml.append(
          Template.load("compose/volumes.yml")
              .render(
                  Map.of(
                      "volumes",
                      volumes.stream()
                          .map(n -> "  " + n + "-data: {}")
                          .collect(Collectors.joining("\n")))));
    }

    List<RenderedFile> files = new ArrayList<>();
    files.add(new RenderedFile("docker-compose.yml", yml.toString(), false));
    files.add(SwarmRenderer.render(spec.name(), yml.toString()));
    for (Images image : Images.values()) {
      files.add(new RenderedFile(image.dir() + "/Dockerfile", image.dockerfile(ctx.spec()), false));
    }
    files.add(new RenderedFile(WORKERS_FILE, workerList(ctx), false));
    return files;
  }

  /**
   * One worker's service, as the file lists it (also for a worker added at run time, which the
   * spec's file lacks).
   */
  public static String workerService(StackSpec spec, Member m) {
    return Template.load("compose/worker.yml")
        .render(
            Map.of(
                "name", m.name(),
                "image", Images.of(m.role()).tag(spec),
                "port", spec.workers().port().toString(),
                "host_port", Integer.toString(HostPorts.of(spec, m, Port.WORKER))));
  }

  static String workerList(RenderContext ctx) {
    return ctx.topology().of(Role.WORKER).stream()
        .map(w -> "http://" + w.host() + ":" + ctx.spec().workers().port() + "\n")
        .collect(Collectors.joining());
  }

  private static String image(RenderContext ctx, Member m) {
    return Images.of(m.role()).tag(ctx.spec());
  }

  private static String published(RenderContext ctx, Member m, Port p) {
    return Integer.toString(HostPorts.of(ctx.spec(), m, p));
  }

  private static String names(RenderContext ctx, Role role) {
    return ctx.topology().of(role).stream().map(Member::name).collect(Collectors.joining(", "));
  }
}
