package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running stack madbase did not start: a Compose project ({@code docker-compose -p NAME up}) or a
 * Swarm stack ({@code docker stack deploy ... NAME}), its members found by the labels the engine
 * gave their containers. A Swarm service can have several containers (a killed task and its
 * replacement): its member is the one running, else the newest.
 */
final class AdoptedProject implements ContainerMembers {
  enum Kind {
    COMPOSE("com.docker.compose.project", "com.docker.compose.service"),
    SWARM("com.docker.stack.namespace", "com.docker.swarm.service.name");

    final String projectLabel;
    final String serviceLabel;

    Kind(String projectLabel, String serviceLabel) {
      this.projectLabel = projectLabel;
      this.serviceLabel = serviceLabel;
    }
  }

  private final DockerClient api;
  private final String project;
  private final Kind kind;

  AdoptedProject(DockerClient api, String project, Kind kind) {
    this.api = api;
    this.project = project;
    this.kind = kind;
  }

  /** Which kind of project runs under {@code name} on the engine, if any. */
  static java.util.Optional<Kind> find(DockerClient api, String name) {
    for (Kind k : Kind.values()) {
      boolean any =
          !api.listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(k.projectLabel, name))
              .exec()
              .isEmpty();
      if (any) {
        return java.util.Optional.of(k);
      }
    }
    return java.util.Optional.empty();
  }

  Kind kind() {
    return kind;
  }

  String project() {
    return project;
  }

  @Override
  public Map<String, Container> all() {
    Map<String, Container> out = new HashMap<>();
    List<Container> list =
        api.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(kind.projectLabel, project))
            .exec();
    list.stream()
        // running first, then newest first: the first one seen for a member is its own
        .sorted(
            Comparator.comparing((Container c) -> !"running".equals(c.getState()))
                .thenComparing(Comparator.comparingLong(Container::getCreated).reversed()))
        .forEach(
            c -> {
              String member = member(c);
              if (member != null) {
                out.putIfAbsent(member, c);
              }
            });
    return out;
  }

  private String member(Container c) {
    String service = c.getLabels().get(kind.serviceLabel);
    if (service == null) {
      return null;
    }
    return kind == Kind.SWARM && service.startsWith(project + "_")
        ? service.substring(project.length() + 1)
        : service;
  }

  @Override
  public String containerName(String member) {
    return find(member)
        .map(c -> c.getNames()[0].replaceFirst("^/", ""))
        .orElse(kind == Kind.SWARM ? project + "_" + member : project + "_" + member + "_1");
  }
}
