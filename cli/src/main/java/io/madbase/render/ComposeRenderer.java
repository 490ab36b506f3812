package io.madbase.render;

import io.madbase.Version;
import io.madbase.gateway.Durations;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * docker-compose.yml, built from one template fragment per service, and the two Dockerfiles it
 * builds (Patroni from Debian's packages; gateway-lite from madbase's own jar).
 */
final class ComposeRenderer {
  static final String ETCD_IMAGE = "quay.io/coreos/etcd:v3.4.23";
  static final String HAPROXY_IMAGE = "haproxy:2.6";
  static final String REDIS_IMAGE = "redis:7.0";
  static final String PATRONI_IMAGE = "madbase/patroni:3.0.2-pg15";

  private ComposeRenderer() {}

  static List<RenderedFile> render(RenderContext ctx) {
    var spec = ctx.spec();
    var topo = ctx.topology();
    String gatewayImage = "madbase/gateway-lite:" + Version.get();
    StringBuilder yml = new StringBuilder();
    yml.append(
        Template.load("compose/header.yml")
            .render(Map.of("stack", spec.name(), "profile", ctx.profile())));

    List<String> volumes = new ArrayList<>();
    Template etcd = Template.load("compose/etcd.yml");
    for (Member m : topo.of(Role.ETCD)) {
      yml.append(etcd.render(Map.of("name", m.name(), "etcd_image", ETCD_IMAGE)));
      volumes.add(m.name());
    }
    Template patroni = Template.load("compose/patroni.yml");
    for (Member m : topo.of(Role.POSTGRES)) {
      yml.append(
          patroni.render(
              Map.of(
                  "name",
                  m.name(),
                  "patroni_image",
                  PATRONI_IMAGE,
                  "etcd_services",
                  names(ctx, Role.ETCD))));
      volumes.add(m.name());
    }
    var ha = spec.haproxy();
    yml.append(
        Template.load("compose/haproxy.yml")
            .render(
                Map.of(
                    "haproxy_image", HAPROXY_IMAGE,
                    "primary_port", ha.primaryPort().toString(),
                    "replicas_port", ha.replicasPort().toString(),
                    "stats_port", ha.statsPort().toString(),
                    "postgres_services", names(ctx, Role.POSTGRES))));
    Template redis = Template.load("compose/redis.yml");
    for (Member m : topo.of(Role.REDIS)) {
      yml.append(redis.render(Map.of("name", m.name(), "redis_image", REDIS_IMAGE)));
      volumes.add(m.name());
    }
    Template sentinel = Template.load("compose/sentinel.yml");
    for (Member m : topo.of(Role.SENTINEL)) {
      yml.append(
          sentinel.render(
              Map.of(
                  "name",
                  m.name(),
                  "redis_image",
                  REDIS_IMAGE,
                  "redis_services",
                  names(ctx, Role.REDIS))));
      volumes.add(m.name());
    }
    Template gateway = Template.load("compose/gateway.yml");
    for (Member m : topo.of(Role.GATEWAY)) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("gateway_image", gatewayImage);
      v.put("port", spec.gateway().port().toString());
      v.put("published_port", Integer.toString(spec.gateway().port() + m.index() - 1));
      v.put("sentinel_services", names(ctx, Role.SENTINEL));
      // Compose's SIGKILL must come after the gateway's own grace period has run out
      v.put("stop_grace", Durations.format(spec.gateway().shutdownGrace().plusSeconds(5)));
      yml.append(gateway.render(v));
    }
    List<Member> gateways = topo.of(Role.GATEWAY);
    Template worker = Template.load("compose/worker.yml");
    for (Member m : topo.of(Role.WORKER)) {
      String dependsOn = gateways.isEmpty() ? "haproxy" : gateways.get(0).name();
      yml.append(
          worker.render(
              Map.of(
                  "name",
                  m.name(),
                  "gateway_image",
                  gatewayImage,
                  "port",
                  spec.workers().port().toString(),
                  "first_gateway",
                  dependsOn)));
    }
    yml.append(
        Template.load("compose/volumes.yml")
            .render(
                Map.of(
                    "volumes",
                    volumes.stream()
                        .map(n -> "  " + n + "-data: {}")
                        .collect(Collectors.joining("\n")))));

    return List.of(
        new RenderedFile("docker-compose.yml", yml.toString(), false),
        new RenderedFile(
            "patroni/Dockerfile",
            Template.load("compose/patroni.Dockerfile").render(Map.of()),
            false),
        new RenderedFile(
            "gateway/Dockerfile",
            Template.load("compose/gateway.Dockerfile").render(Map.of()),
            false));
  }

  private static String names(RenderContext ctx, Role role) {
    return ctx.topology().of(role).stream().map(Member::name).collect(Collectors.joining(", "));
  }
}
