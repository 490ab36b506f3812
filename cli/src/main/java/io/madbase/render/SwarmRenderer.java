package io.madbase.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.Map;

/**
 * docker-stack.yml: the Compose project as Docker Swarm takes it ({@code docker stack deploy}),
 * made from docker-compose.yml itself, so the two never drift apart. What a swarm needs otherwise,
 * each found on a single-node swarm here:
 *
 * <ul>
 *   <li>{@code depends_on} with conditions is refused by {@code docker stack deploy} ("must be a
 *       list"), and a swarm ignores start order anyway: dropped (Patroni waits for etcd, and the
 *       restart policy starts again what gave up);
 *   <li>ports: a swarm drops the {@code 127.0.0.1:} of a published port and publishes it through
 *       its ingress mesh, which never listened here; published in host mode instead, which binds
 *       every interface (madbase still connects on 127.0.0.1);
 *   <li>service addresses: this kernel has no IPVS, so virtual IPs time out: {@code endpoint_mode:
 *       dnsrr};
 *   <li>etcd has no healthcheck: a swarm resolves a service's name only once its task is healthy,
 *       and etcd members need each other's names before any of them can be;
 *   <li>a restart policy ({@code condition: any}, 1 s delay): a swarm replaces a task that exits,
 *       which is part of what a chaos run against it observes.
 * </ul>
 */
final class SwarmRenderer {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              // "3.8" stays a string: Compose refuses a version that is a number
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  static final String FILE = "docker-stack.yml";

  private SwarmRenderer() {}

  static RenderedFile render(String stack, String composeYaml) {
    ObjectNode root;
    try {
      root = (ObjectNode) YAML.readTree(composeYaml);
    } catch (IOException e) {
      throw new IllegalStateException("the rendered Compose file does not parse", e);
    }
    for (Map.Entry<String, JsonNode> e : root.path("services").properties()) {
      swarmService(e.getKey(), (ObjectNode) e.getValue());
    }
    String header =
        "# Docker Swarm form of docker-compose.yml for stack \""
            + stack
            + "\", rendered by madbase from it (see the header there).\n"
            + "# Deploy from this folder once the images exist (madbase up --driver docker, or\n"
            + "# docker-compose build):  docker stack deploy -c "
            + FILE
            + " "
            + stack
            + "\n"
            + "# Then: madbase status --project "
            + stack
            + " (and chaos ... --project "
            + stack
            + ") with the --state-dir that holds its secrets.json.\n"
            + "# What differs from docker-compose.yml, and why: docs/multi-host.md.\n";
    try {
      return new RenderedFile(FILE, header + YAML.writeValueAsString(root), false);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void swarmService(String name, ObjectNode s) {
    s.remove("build");
    s.remove("restart");
    s.remove("depends_on");
    ArrayNode ports = YAML.createArrayNode();
    s.path("ports")
        .forEach(
            p -> {
              String[] parts = p.asText().split(":");
              ObjectNode port = ports.addObject();
              port.put("target", Integer.parseInt(parts[2]));
              port.put("published", Integer.parseInt(parts[1]));
              port.put("protocol", "tcp");
              port.put("mode", "host");
            });
    if (!ports.isEmpty()) {
      s.set("ports", ports);
    }
    if (name.matches("e\\d+")) {
      s.set("healthcheck", YAML.createObjectNode().put("disable", true));
    }
    ObjectNode deploy = s.putObject("deploy");
    deploy.put("endpoint_mode", "dnsrr");
    deploy.putObject("restart_policy").put("condition", "any").put("delay", "1s");
  }
}
