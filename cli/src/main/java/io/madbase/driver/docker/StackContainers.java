package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.madbase.MadbaseException;
import io.madbase.driver.EnvFile;
import io.madbase.stack.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stack's containers, network and volumes on the engine, named and labelled as Compose names and
 * labels them (so {@code docker-compose -p NAME ps} sees the same project), and marked as made by
 * madbase for this state directory: madbase only ever removes what carries its own labels.
 */
final class StackContainers implements ContainerMembers {
  static final String STACK = "io.madbase.stack";
  static final String STATE = "io.madbase.state";
  static final String MEMBER = "io.madbase.member";
  static final String ROLE = "io.madbase.role";
  static final String PROJECT = "com.docker.compose.project";
  static final String SERVICE = "com.docker.compose.service";

  private final DockerClient api;
  private final String project;
  private final String stateId;

  /**
   * @param project the Compose project name (the stack's name)
   * @param stateId which state directory the stack belongs to (two stacks may share a name)
   */
  StackContainers(DockerClient api, String project, String stateId) {
    this.api = api;
    this.project = project;
    this.stateId = stateId;
  }

  @Override
  public String containerName(String member) {
    return project + "_" + member + "_1";
  }

  String network() {
    return project + "_default";
  }

  String volume(String name) {
    return project + "_" + name;
  }

  /** The labels of everything madbase makes for this stack. */
  Map<String, String> ownLabels() {
    return Map.of(STACK, project, STATE, stateId, PROJECT, project);
  }

  /** Every container of this stack (running or not), by member name. */
  @Override
  public Map<String, Container> all() {
    Map<String, Container> out = new HashMap<>();
    for (Container c :
        api.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(STACK, project, STATE, stateId))
            .exec()) {
      String member = c.getLabels().get(MEMBER);
      if (member != null) {
        out.put(member, c);
      }
    }
    return out;
  }

  @Override
  public Optional<Container> find(String member) {
    return api
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(STACK, project, STATE, stateId, MEMBER, member))
        .exec()
        .stream()
        .findFirst();
  }

  /** A container of that name that is not this stack's (another project, or made by hand). */
  Optional<String> foreign(String member) {
    return api
        .listContainersCmd()
        .withShowAll(true)
        .withNameFilter(List.of("^/" + containerName(member) + "$"))
        .exec()
        .stream()
        .filter(c -> !stateId.equals(c.getLabels().get(STATE)))
        .map(c -> c.getNames()[0].replaceFirst("^/", ""))
        .findFirst();
  }

  void ensureNetwork() {
    boolean exists =
        api.listNetworksCmd().withNameFilter(network()).exec().stream()
            .anyMatch(n -> n.getName().equals(network()));
    if (!exists) {
      Map<String, String> labels = new HashMap<>(ownLabels());
      labels.put("com.docker.compose.network", "default");
      api.createNetworkCmd().withName(network()).withDriver("bridge").withLabels(labels).exec();
    }
  }

  void ensureVolumes(List<String> names) {
    for (String v : names) {
      try {
        api.inspectVolumeCmd(volume(v)).exec();
      } catch (NotFoundException e) {
        Map<String, String> labels = new HashMap<>(ownLabels());
        labels.put("com.docker.compose.volume", v);
        api.createVolumeCmd().withName(volume(v)).withLabels(labels).exec();
      }
    }
  }

  boolean volumeExists(String name) {
    try {
      api.inspectVolumeCmd(volume(name)).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Creates the container of {@code member} from its service; returns its id. */
  String create(ComposeProject project, ComposeProject.Service s, Member member) {
    CreateContainerCmd cmd = api.createContainerCmd(s.image()).withName(containerName(s.name()));
    Map<String, String> labels = new HashMap<>(ownLabels());
    labels.put(MEMBER, member.name());
    labels.put(ROLE, member.role().label());
    labels.put(SERVICE, s.name());
    labels.put("com.docker.compose.container-number", "1");
    labels.put("com.docker.compose.oneoff", "False");
    labels.put("com.docker.compose.project.working_dir", project.dir().toString());
    labels.put(
        "com.docker.compose.project.config_files",
        project.dir().resolve(ComposeProject.FILE).toString());
    cmd.withLabels(labels).withHostName(s.name()).withAliases(s.name());
    if (!s.command().isEmpty()) {
      cmd.withCmd(s.command());
    }
    if (s.user() != null) {
      cmd.withUser(s.user());
    }
    List<String> env = new ArrayList<>();
    for (String f : s.envFiles()) {
      EnvFile.read(project.dir().resolve(f)).forEach((k, v) -> env.add(k + "=" + v));
    }
    cmd.withEnv(env);

    List<Bind> binds = new ArrayList<>();
    for (String v : s.volumes()) {
      String[] parts = v.split(":");
      boolean ro = parts.length > 2 && parts[2].equals("ro");
      String source =
          parts[0].startsWith(".") || parts[0].startsWith("/")
              ? project.dir().resolve(parts[0]).normalize().toString()
              : volume(parts[0]);
      binds.add(new Bind(source, new Volume(parts[1]), ro ? AccessMode.ro : AccessMode.rw));
    }
    Ports ports = new Ports();
    List<ExposedPort> exposed = new ArrayList<>();
    for (String p : s.ports()) {
      String[] parts = p.split(":");
      if (parts.length != 3) {
        throw new IllegalStateException("port " + p + " of " + s.name() + " is not IP:HOST:PORT");
      }
      ExposedPort e = ExposedPort.tcp(Integer.parseInt(parts[2]));
      exposed.add(e);
      ports.bind(e, Ports.Binding.bindIpAndPort(parts[0], Integer.parseInt(parts[1])));
    }
    cmd.withExposedPorts(exposed);
    if (s.healthcheck() != null) {
      var h = s.healthcheck();
      cmd.withHealthcheck(
          new HealthCheck()
              .withTest(h.test())
              .withInterval(h.interval().toNanos())
              .withTimeout(h.timeout().toNanos())
              .withRetries(h.retries())
              .withStartPeriod(h.startPeriod().toNanos()));
    }
    cmd.withStopTimeout((int) Math.max(1, s.stopGrace().toSeconds()));
    cmd.withHostConfig(
        HostConfig.newHostConfig()
            .withNetworkMode(network())
            .withPortBindings(ports)
            .withBinds(binds)
            .withInit(s.init()));
    try {
      return cmd.exec().getId();
    } catch (NotFoundException e) {
      throw MadbaseException.environment(
          "image " + s.image() + " of " + s.name() + " is missing: " + e.getMessage().strip());
    }
  }
}
