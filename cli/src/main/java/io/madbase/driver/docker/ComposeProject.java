package io.madbase.driver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.madbase.MadbaseException;
import io.madbase.common.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rendered docker-compose.yml, read back as the services the driver creates containers from:
 * the subset of the Compose format madbase renders (image, build, init, user, command, env_file,
 * volumes, ports, healthcheck, depends_on, stop_grace_period). Reading the file, rather than
 * building containers from the spec a second way, keeps one source of truth: what {@code
 * docker-compose up} would run is what the driver runs.
 */
public record ComposeProject(Path dir, Map<String, Service> services, List<String> volumes) {
  public static final String FILE = "docker-compose.yml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One service.
   *
   * @param volumes as written: {@code ./relative:/in/container[:ro]} or {@code
   *     volume:/in/container}
   * @param ports as written: {@code 127.0.0.1:HOST:CONTAINER}
   */
  public record Service(
      String name,
      String image,
      String build,
      boolean init,
      String user,
      List<String> command,
      List<String> envFiles,
      List<String> volumes,
      List<String> ports,
      Healthcheck healthcheck,
      Duration stopGrace,
      List<String> dependsOn) {}

  /** A Compose healthcheck; {@code test} in exec form (CMD or CMD-SHELL first). */
  public record Healthcheck(
      List<String> test, Duration interval, Duration timeout, int retries, Duration startPeriod) {}

  public static ComposeProject read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      return parse(dir, Files.readString(file));
    } catch (IOException e) {
      throw MadbaseException.environment("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Services from Compose YAML text; relative paths in it are relative to {@code dir}. */
  public static ComposeProject parse(Path dir, String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalStateException("rendered Compose file does not parse: " + e.getMessage(), e);
    }
    Map<String, Service> services = new LinkedHashMap<>();
    root.path("services").properties().forEach(e -> services.put(e.getKey(), service(e)));
    List<String> volumes = new ArrayList<>();
    root.path("volumes").fieldNames().forEachRemaining(volumes::add);
    return new ComposeProject(dir, Map.copyOf(services), List.copyOf(volumes));
  }

  public Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no service " + name + " in " + dir.resolve(FILE));
    }
    return s;
  }

  private static Service service(Map.Entry<String, JsonNode> e) {
    JsonNode n = e.getValue();
    JsonNode hc = n.path("healthcheck");
    Healthcheck health =
        hc.isMissingNode()
            ? null
            : new Healthcheck(
                strings(hc.path("test")),
                duration(hc.path("interval"), Duration.ofSeconds(30)),
                duration(hc.path("timeout"), Duration.ofSeconds(30)),
                hc.path("retries").asInt(3),
                duration(hc.path("start_period"), Duration.ZERO));
    List<String> dependsOn = new ArrayList<>();
    JsonNode deps = n.path("depends_on");
    if (deps.isArray()) {
      deps.forEach(d -> dependsOn.add(d.asText()));
    } else {
      deps.fieldNames().forEachRemaining(dependsOn::add);
    }
    return new Service(
        e.getKey(),
        n.path("image").asText(null),
        n.path("build").isTextual() ? n.path("build").asText() : null,
        n.path("init").asBoolean(false),
        n.path("user").asText(null),
        strings(n.path("command")),
        strings(n.path("env_file")),
        strings(n.path("volumes")),
        strings(n.path("ports")),
        health,
        duration(n.path("stop_grace_period"), Duration.ofSeconds(10)),
        List.copyOf(dependsOn));
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else if (n.isTextual()) {
      out.add(n.asText());
    }
    return List.copyOf(out);
  }

  private static Duration duration(JsonNode n, Duration fallback) {
    return n.isMissingNode() || n.isNull()
        ? fallback
        : Durations.parse(n.asText()).orElse(fallback);
  }
}
