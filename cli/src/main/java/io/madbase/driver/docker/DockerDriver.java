package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.Sha256;
import io.madbase.driver.EnvFile;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.LaunchPlan;
import io.madbase.driver.NodeInfo;
import io.madbase.driver.Preflight;
import io.madbase.driver.Progress;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackState;
import io.madbase.driver.Wait;
import io.madbase.observe.Check;
import io.madbase.observe.EtcdHealth;
import io.madbase.observe.Http;
import io.madbase.observe.StackObserver;
import io.madbase.render.ComposeRenderer;
import io.madbase.render.Images;
import io.madbase.render.OwnJar;
import io.madbase.render.RenderContext;
import io.madbase.render.RenderTarget;
import io.madbase.render.StackRenderer;
import io.madbase.stack.HostPorts;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the stack as containers on a Docker Engine, through its API: exactly the Compose project
 * {@code madbase render --target compose} writes (rendered into the state directory's {@code
 * compose/} folder and read back from there), each member a container on the stack's own bridge
 * network, images built locally from Debian's packages. madbase's own connections go to ports
 * published on 127.0.0.1 only.
 */
public final class DockerDriver implements StackLifecycle {
  static final String NAME = "docker";

  private final Path stateDir;
  private final StackSpec spec;
  private final String specSource;
  private final String specText;
  private final Topology topology;
  private final Secrets secrets;
  private final StackObserver observer;
  private final DockerEngine engine;

  /** Which container each member is: this stack's own, or an adopted project's. */
  private final ContainerMembers members;

  /** The containers madbase made for this stack; null for a project it adopted. */
  private final StackContainers containers;

  /** The project madbase adopted (it never starts, stops or removes it); null for its own. */
  private final AdoptedProject adopted;

  private final DockerFaults faults;
  private final Map<String, Pid> pids = new ConcurrentHashMap<>();
  private final Map<String, Long> postmasters = new ConcurrentHashMap<>();

  /** A container's main process on the host, as last inspected (re-read when its state changes). */
  private record Pid(String containerId, String state, long pid) {}

  private DockerDriver(
      Path stateDir, StackSpec spec, String specSource, String specText, DockerEngine engine) {
    this.stateDir = stateDir;
    this.spec = spec;
    this.specSource = specSource;
    this.specText = specText;
    this.topology = Topology.compose(spec);
    this.secrets = Secrets.loadOrCreate(stateDir);
    this.observer = new StackObserver(spec, topology, secrets);
    this.engine = engine;
    this.containers = new StackContainers(engine.api(), spec.name(), stateId(stateDir));
    this.members = containers;
    this.adopted = null;
    this.faults = new DockerFaults(this);
  }

  private DockerDriver(
      Path stateDir, StackSpec spec, String specSource, DockerEngine engine, AdoptedProject p) {
    this.stateDir = stateDir;
    this.spec = spec;
    this.specSource = specSource;
    this.specText = "";
    this.engine = engine;
    this.containers = null;
    this.adopted = p;
    this.members = p;
    this.topology = new PublishedPorts(spec, p).topology();
    Path file = stateDir.resolve(Secrets.FILE);
    if (!Files.isRegularFile(file)) {
      engine.close();
      throw MadbaseException.environment(
          "no "
              + file
              + ": madbase needs the stack's passwords to probe it; pass the --state-dir that"
              + " `madbase render` wrote them to");
    }
    this.secrets = Secrets.load(file);
    this.observer = new StackObserver(spec, topology, secrets);
    this.faults = new DockerFaults(this);
  }

  /**
   * A running Compose project or Swarm stack named {@code project} that madbase did not start,
   * described by {@code spec} (its members, and the ports inside the containers), with the
   * passwords in {@code stateDir}'s secrets.json (where {@code madbase render} put them). madbase
   * observes it and injects faults into it, and never starts, stops or removes it.
   */
  public static DockerDriver adopt(
      Path stateDir, StackSpec spec, String specSource, String project) {
    DockerEngine engine = DockerEngine.connect();
    var kind = AdoptedProject.find(engine.api(), project);
    if (kind.isEmpty()) {
      engine.close();
      throw MadbaseException.environment(
          "no Compose project or Swarm stack named '"
              + project
              + "' runs on "
              + engine.host()
              + " (docker-compose ls / docker stack ls list them)");
    }
    return new DockerDriver(
        stateDir,
        spec.withDriver(NAME),
        specSource,
        engine,
        new AdoptedProject(engine.api(), project, kind.get()));
  }

  /** A project madbase adopted and does not own: it never starts, stops or removes it. */
  private void refuseOnAdopted(String what) {
    if (adopted != null) {
      throw MadbaseException.invalidInput(
          "madbase did not start the "
              + (adopted.kind() == AdoptedProject.Kind.SWARM ? "Swarm stack" : "Compose project")
              + " '"
              + adopted.project()
              + "', and never "
              + what
              + " it: use "
              + (adopted.kind() == AdoptedProject.Kind.SWARM
                  ? "docker stack deploy / docker stack rm"
                  : "docker-compose up / down")
              + " (status and chaos work on it with --project)");
    }
  }

  /** A driver to bring {@code spec} up in {@code stateDir}; the engine must answer (exit 3). */
  public static DockerDriver forUp(
      Path stateDir, StackSpec spec, String specSource, String specText) {
    Optional<StackState> existing = StackState.load(stateDir);
    DockerEngine engine = DockerEngine.connect();
    DockerDriver d = new DockerDriver(stateDir, spec, specSource, specText, engine);
    if (existing.isPresent()
        && !existing.get().specText().equals(specText)
        && d.nodes().stream().anyMatch(NodeInfo::alive)) {
      d.close();
      throw MadbaseException.invalidInput(
          "a stack is running in "
              + stateDir
              + " with a different spec (from "
              + existing.get().specSource()
              + "); run `madbase down` first, or use another --state-dir");
    }
    return d;
  }

  /** The docker stack that lives in {@code stateDir}. */
  public static DockerDriver attach(Path stateDir, StackState st) {
    return new DockerDriver(
        stateDir,
        st.spec().withDriver(NAME),
        st.specSource(),
        st.specText(),
        DockerEngine.connect());
  }

  /** Which state directory a container belongs to: stacks in two folders may share a name. */
  static String stateId(Path stateDir) {
    return Sha256.of(stateDir.toString(), 6);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StackSpec spec() {
    return spec;
  }

  @Override
  public Topology topology() {
    return topology;
  }

  @Override
  public Path stateDir() {
    return stateDir;
  }

  @Override
  public StackObserver observer() {
    return observer;
  }

  @Override
  public Secrets secrets() {
    return secrets;
  }

  @Override
  public FaultInjector faults() {
    return faults;
  }

  DockerClient api() {
    return engine.api();
  }

  /** Where the engine answers (DOCKER_HOST), for messages. */
  String engineHost() {
    return engine.host();
  }

  /** A Swarm stack's restart policy starts a crashed task again by itself. */
  boolean restartsCrashedMembers() {
    return adopted != null && adopted.kind() == AdoptedProject.Kind.SWARM;
  }

  ContainerMembers members() {
    return members;
  }

  Path composeDir() {
    return stateDir.resolve("compose");
  }

  Path logDir() {
    return stateDir.resolve("logs");
  }

  // ------------------------------------------------------------------ up

  @Override
  public UpResult up(Progress progress) {
    refuseOnAdopted("starts");
    long t0 = System.nanoTime();
    Set<String> running =
        nodes().stream().filter(NodeInfo::alive).map(NodeInfo::name).collect(Collectors.toSet());
    List<Member> toStart =
        topology.members().stream().filter(m -> !running.contains(m.name())).toList();
    if (toStart.isEmpty()) {
      return new UpResult(List.of(), Duration.ofNanos(System.nanoTime() - t0));
    }
    preflight(toStart);
    // from here on, the state file exists: a half-failed up can always be taken down
    new StackState(NAME, specSource, specText, "", Instant.now()).save(stateDir);
    render();
    EnumSet<Images> images = EnumSet.noneOf(Images.class);
    toStart.forEach(m -> images.add(Images.of(m.role())));
    new ImageBuilder(api(), spec, composeDir(), logDir(), progress).ensure(images);
    ComposeProject project = ComposeProject.read(composeDir());
    containers.ensureNetwork();
    containers.ensureVolumes(project.volumes());
    boolean newCluster =
        topology.of(Role.POSTGRES).stream().noneMatch(m -> containers.find(m.name()).isPresent());
    List<String> started = plan(project).run(toStart, newCluster, progress);
    return new UpResult(started, Duration.ofNanos(System.nanoTime() - t0));
  }

  private LaunchPlan plan(ComposeProject project) {
    return new LaunchPlan(
        topology,
        observer,
        secrets,
        new LaunchPlan.Launcher() {
          @Override
          public void start(Member m) {
            startContainer(project, m);
          }

          @Override
          public void requireRunning(Member m) {
            DockerDriver.this.requireRunning(m);
          }

          @Override
          public String logHint(List<Member> ms) {
            return "logs: "
                + ms.stream()
                    .map(m -> "docker logs " + members.containerName(m.name()))
                    .collect(Collectors.joining("; "));
          }

          @Override
          public void workersChanged() {
            writeWorkersFile();
          }
        });
  }

  private void preflight(List<Member> toStart) {
    List<Preflight.Finding> problems = new ArrayList<>();
    Map<String, List<InetSocketAddress>> published = new LinkedHashMap<>();
    for (Member m : toStart) {
      if (containers.find(m.name()).isPresent()) {
        continue; // its ports are its own already
      }
      containers
          .foreign(m.name())
          .ifPresent(
              c ->
                  problems.add(
                      new Preflight.Finding(
                          "container",
                          false,
                          "a container named "
                              + c
                              + " exists and is not this stack's (another project or state"
                              + " directory)",
                          "remove it, or give this stack another name in madbase.yaml")));
      published.put(
          m.name(),
          topology.ports(m).stream().map(p -> topology.endpoint(m, p).socketAddress()).toList());
    }
    problems.addAll(
        Preflight.ports(
                published,
                published.keySet(),
                "stop what holds it, or move the stack's published ports with"
                    + " docker.host_port_base in madbase.yaml")
            .stream()
            .filter(f -> !f.ok())
            .toList());
    Preflight.Finding disk = Preflight.disk(stateDir);
    if (!disk.ok()) {
      problems.add(disk);
    }
    if (!problems.isEmpty()) {
      throw MadbaseException.environment(
          "cannot start the stack; nothing was started:\n"
              + problems.stream().map(p -> "  - " + p.what()).collect(Collectors.joining("\n"))
              + problems.stream()
                  .map(Preflight.Finding::fix)
                  .filter(f -> !f.isEmpty())
                  .distinct()
                  .map(f -> "\n  fix: " + f)
                  .collect(Collectors.joining()));
    }
  }

  /** The Compose project, rendered fresh into the state directory, with madbase's jar beside it. */
  private void render() {
    Path dir = composeDir();
    StackRenderer.write(
        StackRenderer.render(RenderContext.of(spec, secrets, RenderTarget.COMPOSE, null)), dir);
    Path jar =
        OwnJar.path()
            .orElseThrow(
                () ->
                    MadbaseException.environment(
                        "the docker driver builds the gateway image from madbase's jar, and this"
                            + " madbase does not run from one: run ./madbase (which builds"
                            + " cli/target/madbase.jar), or set -Dmadbase.jar=PATH"));
    Path target = dir.resolve(Images.GATEWAY.dir()).resolve("madbase.jar");
    try {
      Files.createDirectories(target.getParent());
      Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw MadbaseException.environment("cannot copy " + jar + " to " + target + ": " + e);
    }
  }

  private void startContainer(ComposeProject project, Member m) {
    String id =
        containers
            .find(m.name())
            .map(Container::getId)
            .orElseGet(() -> containers.create(project, serviceOf(project, m), m));
    try {
      api().startContainerCmd(id).exec();
    } catch (com.github.dockerjava.api.exception.NotModifiedException e) {
      // already running
    } catch (DockerException e) {
      throw MadbaseException.environment(
          "cannot start "
              + containers.containerName(m.name())
              + ": "
              + ImageBuilder.firstLine(e.getMessage()));
    }
  }

  /** The service of {@code m}: the project's, or a worker's rendered on the fly (an added one). */
  private ComposeProject.Service serviceOf(ComposeProject project, Member m) {
    if (project.services().containsKey(m.name())) {
      return project.service(m.name());
    }
    String yaml = "services:\n" + ComposeRenderer.workerService(spec, m);
    return ComposeProject.parse(project.dir(), yaml).service(m.name());
  }

  private void requireRunning(Member m) {
    Optional<Container> c = members.find(m.name());
    if (c.isPresent() && "exited".equals(c.get().getState())) {
      throw new MadbaseException(
          ExitCode.CHECK_FAILED,
          m.name()
              + " exited while starting ("
              + c.get().getStatus()
              + "); its last lines:\n"
              + tail(m.name(), 15)
              + "\n(run `madbase down` to stop what did start)");
    }
  }

  private String tail(String member, int lines) {
    return logLines(member, null, lines).stream()
        .map(l -> "    " + l)
        .collect(Collectors.joining("\n"));
  }

  /** The gateway's discovery list: the spec's workers plus any added at run time that run. */
  private void writeWorkersFile() {
    List<String> urls = new ArrayList<>();
    for (Member m : topology.of(Role.WORKER)) {
      urls.add("http://" + m.host() + ":" + spec.workers().port());
    }
    for (NodeInfo n : nodes()) {
      if (n.role() == Role.WORKER
          && n.alive()
          && topology.members().stream().noneMatch(m -> m.name().equals(n.name()))) {
        urls.add("http://" + n.name() + ":" + spec.workers().port());
      }
    }
    Path f = composeDir().resolve("discovery/workers.list");
    try {
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, urls.stream().map(u -> u + "\n").collect(Collectors.joining()));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + f + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ members

  @Override
  public List<NodeInfo> nodes() {
    Map<String, Container> all = members.all();
    List<NodeInfo> out = new ArrayList<>();
    for (Member m : topology.members()) {
      out.add(node(m.name(), m.role(), all.get(m.name())));
    }
    // workers added at run time
    all.forEach(
        (name, c) -> {
          if (topology.members().stream().noneMatch(m -> m.name().equals(name))) {
            out.add(node(name, Role.WORKER, c));
          }
        });
    return out;
  }

  private NodeInfo node(String name, Role role, Container c) {
    if (c == null) {
      return new NodeInfo(name, role, name, 0, false, List.of());
    }
    boolean alive = "running".equals(c.getState()) || "paused".equals(c.getState());
    long pid = alive ? pid(name, c) : 0;
    List<Long> children =
        role == Role.POSTGRES && pid > 0
            ? postmasterOf(name, pid).map(List::of).orElse(List.of())
            : List.of();
    return new NodeInfo(name, role, name, pid, alive, children);
  }

  /**
   * The container's main process on the host (its init), inspected again when its state changes.
   */
  private long pid(String member, Container c) {
    Pid known = pids.get(member);
    if (known != null
        && known.containerId().equals(c.getId())
        && known.state().equals(c.getState())) {
      return known.pid();
    }
    try {
      InspectContainerResponse r = api().inspectContainerCmd(c.getId()).exec();
      long pid = Optional.ofNullable(r.getState().getPidLong()).orElse(0L);
      pids.put(member, new Pid(c.getId(), c.getState(), pid));
      return pid;
    } catch (NotFoundException e) {
      return 0;
    }
  }

  /** The postmaster last found for a node, looked for again once it is gone (polled often). */
  private Optional<Long> postmasterOf(String member, long initPid) {
    Long known = postmasters.get(member);
    if (known != null && ProcessHandle.of(known).map(ProcessHandle::isAlive).orElse(false)) {
      return Optional.of(known);
    }
    Optional<Long> found = postmaster(initPid);
    found.ifPresentOrElse(p -> postmasters.put(member, p), () -> postmasters.remove(member));
    return found;
  }

  /**
   * A postgres node's postmaster on the host: the init's child running postgres (Patroni starts it
   * detached, so it is reparented to the container's init).
   */
  static Optional<Long> postmaster(long initPid) {
    return ProcessHandle.of(initPid).stream()
        .flatMap(ProcessHandle::children)
        .filter(
            h ->
                h.info().command().map(c -> c.endsWith("/postgres")).orElse(false)
                    || h.info().commandLine().map(c -> c.contains("bin/postgres")).orElse(false))
        .map(ProcessHandle::pid)
        .findFirst();
  }

  /** The container id of a member; exit 3 when it has none. */
  String containerId(String member) {
    return members
        .find(member)
        .map(Container::getId)
        .orElseThrow(() -> MadbaseException.environment(member + " has no container"));
  }

  /** The member, also a worker added at run time; exit 2 for a name the stack does not have. */
  Member member(String name) {
    return topology.members().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .or(
            () ->
                name.matches("w\\d+") && members.find(name).isPresent()
                    ? Optional.of(
                        new Member(Role.WORKER, name, Integer.parseInt(name.substring(1)), name))
                    : Optional.empty())
        .orElseThrow(
            () ->
                MadbaseException.invalidInput(
                    "no member '"
                        + name
                        + "' in this stack (members: "
                        + topology.members().stream()
                            .map(Member::name)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }

  @Override
  public void start(String member, Progress progress) {
    Member m = member(member);
    Optional<Container> c = members.find(member);
    if (c.isPresent()
        && !"exited".equals(c.get().getState())
        && !"created".equals(c.get().getState())) {
      return;
    }
    if (adopted != null) {
      startAdopted(m, c, progress);
      return;
    }
    progress.step("starting " + member);
    startContainer(ComposeProject.read(composeDir()), m);
  }

  @Override
  public void awaitPostgresHealthy(Duration deadline, Progress progress) {
    new Wait(deadline, LaunchPlan.POLL, progress)
        .until(
            "Patroni: one leader and "
                + (topology.of(Role.POSTGRES).size() - 1)
                + " streaming replicas",
            observer::patroniCluster,
            "logs: docker logs " + members.containerName("pg1"));
  }

  /**
   * A member of an adopted project, back: its container started again (Compose), or, in a Swarm,
   * the replacement task the swarm starts by itself, waited for.
   */
  private void startAdopted(Member m, Optional<Container> c, Progress progress) {
    if (adopted.kind() == AdoptedProject.Kind.COMPOSE) {
      progress.step("starting " + m.name());
      api()
          .startContainerCmd(
              c.orElseThrow(() -> MadbaseException.environment(m.name() + " has no container"))
                  .getId())
          .exec();
      return;
    }
    new Wait(Duration.ofSeconds(60), LaunchPlan.POLL, progress)
        .until(
            m.name() + ": the swarm's replacement task running",
            () ->
                members
                    .find(m.name())
                    .filter(x -> "running".equals(x.getState()))
                    .map(x -> Check.pass(m.name(), x.getStatus()))
                    .orElse(Check.fail(m.name(), "no running task yet")),
            "docker service ps " + adopted.project() + "_" + m.name());
  }

  @Override
  public String addWorker(Progress progress) {
    refuseOnAdopted("adds services to");
    int next =
        nodes().stream()
                .filter(n -> n.role() == Role.WORKER)
                .mapToInt(n -> Integer.parseInt(n.name().substring(1)))
                .max()
                .orElse(0)
            + 1;
    if (next > HostPorts.MAX_WORKERS) {
      throw MadbaseException.environment(
          "the docker layout publishes at most " + HostPorts.MAX_WORKERS + " workers");
    }
    String name = "w" + next;
    Member m = new Member(Role.WORKER, name, next, name);
    progress.step("starting worker " + name);
    startContainer(ComposeProject.read(composeDir()), m);
    new Wait(Duration.ofSeconds(60), LaunchPlan.POLL, progress)
        .until(
            name + ": /health",
            () -> {
              requireRunning(m);
              return Http.get(
                      topology.endpoint(m, Port.WORKER).http() + "/health", Duration.ofSeconds(1))
                  .filter(Http.Response::ok)
                  .map(r -> Check.pass(name, "up"))
                  .orElse(Check.fail(name, "not answering"));
            },
            "logs: docker logs " + containers.containerName(name));
    writeWorkersFile();
    return name;
  }

  @Override
  public void removeWorker(String name) {
    refuseOnAdopted("removes services from");
    if (topology.members().stream().anyMatch(m -> m.name().equals(name))) {
      throw MadbaseException.invalidInput(name + " is one of the spec's workers, not an added one");
    }
    members
        .find(name)
        .ifPresent(
            c ->
                api().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec());
    writeWorkersFile();
  }

  // ------------------------------------------------------------------ logs

  /** Now, in nanoseconds since the epoch: the engine's log timestamps are compared against it. */
  @Override
  public long logOffset(String member) {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public List<String> logSince(String member, long offset) {
    return logLines(member, offset, -1);
  }

  @Override
  public String logHint(String member) {
    return "docker logs " + members.containerName(member);
  }

  /** A member's log lines after {@code sinceNanos} (null: all), or the last {@code tail} ones. */
  private List<String> logLines(String member, Long sinceNanos, int tail) {
    Optional<Container> c = members.find(member);
    if (c.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    var cmd =
        api()
            .logContainerCmd(c.get().getId())
            .withStdOut(true)
            .withStdErr(true)
            .withTimestamps(true);
    if (sinceNanos != null) {
      // whole seconds only: the rest is filtered here
      cmd.withSince((int) (sinceNanos / 1_000_000_000L));
    }
    if (tail > 0) {
      cmd.withTail(tail);
    }
    try {
      cmd.exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                  String text = new String(f.getPayload(), StandardCharsets.UTF_8);
                  text.lines().forEach(lines::add);
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      return List.of("(no log: " + ImageBuilder.firstLine(e.getMessage()) + ")");
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      int sp = l.indexOf(' ');
      if (sp < 0) {
        out.add(l);
        continue;
      }
      if (sinceNanos != null) {
        try {
          Instant ts = Instant.parse(l.substring(0, sp));
          if (ts.getEpochSecond() * 1_000_000_000L + ts.getNano() < sinceNanos) {
            continue;
          }
        } catch (java.time.format.DateTimeParseException e) {
          // not a timestamped line: keep it
        }
      }
      out.add(l.substring(sp + 1));
    }
    return out;
  }

  @Override
  public Map<String, String> gatewayEnv(String member) {
    return EnvFile.read(composeDir().resolve("gateway/" + member + ".env"));
  }

  // ------------------------------------------------------------------ down

  @Override
  public void down(boolean purge, Progress progress) {
    refuseOnAdopted("stops or removes");
    // a partition a killed chaos run left: Patroni must reach etcd to stop cleanly
    String healed = faults.heal();
    if (!healed.isEmpty()) {
      progress.note(healed);
    }
    Map<String, Container> all = containers.all();
    // a member a killed chaos run left paused would never see its stop signal
    all.values().stream()
        .filter(c -> "paused".equals(c.getState()))
        .forEach(c -> api().unpauseContainerCmd(c.getId()).exec());
    stopAll(all, Role.GATEWAY, spec.gateway().shutdownGrace().plusSeconds(5), progress);
    stopAll(all, Role.WORKER, Duration.ofSeconds(10), progress);
    stopAll(all, Role.SENTINEL, Duration.ofSeconds(5), progress);
    stopAll(all, Role.REDIS, Duration.ofSeconds(5), progress);
    stopAll(all, Role.HAPROXY, Duration.ofSeconds(5), progress);
    stopAll(all, Role.POSTGRES, Duration.ofSeconds(30), progress);
    stopEtcd(all, progress);
    if (!all.isEmpty()) {
      progress.step(
          "removing " + all.size() + " containers and the network " + containers.network());
    }
    for (Container c : all.values()) {
      try {
        api().removeContainerCmd(c.getId()).withForce(true).exec();
      } catch (NotFoundException e) {
        // gone already
      }
    }
    removeNetwork();
    try {
      Files.deleteIfExists(stateDir.resolve(StackState.FILE));
    } catch (IOException e) {
      throw MadbaseException.environment("cannot remove " + stateDir.resolve(StackState.FILE));
    }
    if (purge) {
      progress.step("removing the stack's volumes and rendered project (keeping secrets.json)");
      for (var v :
          api()
              .listVolumesCmd()
              .withFilter("label", List.of(StackContainers.STATE + "=" + stateId(stateDir)))
              .exec()
              .getVolumes()) {
        api().removeVolumeCmd(v.getName()).exec();
      }
      try {
        ImageBuilder.deleteTree(composeDir());
        ImageBuilder.deleteTree(logDir());
      } catch (IOException e) {
        throw MadbaseException.environment("cannot clean " + stateDir + ": " + e.getMessage());
      }
    }
  }

  private void removeNetwork() {
    api().listNetworksCmd().withNameFilter(containers.network()).exec().stream()
        .filter(n -> n.getName().equals(containers.network()))
        .filter(n -> stateId(stateDir).equals(n.getLabels().get(StackContainers.STATE)))
        .forEach(n -> api().removeNetworkCmd(n.getId()).exec());
  }

  private void stopAll(Map<String, Container> all, Role role, Duration grace, Progress progress) {
    List<Map.Entry<String, Container>> running =
        all.entrySet().stream()
            .filter(e -> role.label().equals(e.getValue().getLabels().get(StackContainers.ROLE)))
            .filter(e -> "running".equals(e.getValue().getState()))
            .toList();
    if (running.isEmpty()) {
      return;
    }
    progress.step(
        "stopping "
            + role.label()
            + " ("
            + running.stream().map(Map.Entry::getKey).collect(Collectors.joining(", "))
            + ")");
    // in parallel, as one signal to all: each stop waits for its own grace
    running.parallelStream().forEach(e -> stop(e.getValue().getId(), grace));
  }

  void stop(String containerId, Duration grace) {
    try {
      api().stopContainerCmd(containerId).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
    } catch (com.github.dockerjava.api.exception.NotModifiedException | NotFoundException e) {
      // stopped or gone already
    }
  }

  /** etcd members one at a time, the current leader first (it hands over in milliseconds). */
  private void stopEtcd(Map<String, Container> all, Progress progress) {
    List<Member> left =
        topology.of(Role.ETCD).stream()
            .filter(
                m -> all.containsKey(m.name()) && "running".equals(all.get(m.name()).getState()))
            .collect(Collectors.toCollection(ArrayList::new));
    if (left.isEmpty()) {
      return;
    }
    progress.step("stopping etcd (" + LaunchPlan.names(left) + "), leader first");
    while (!left.isEmpty()) {
      Member next =
          left.stream()
              .filter(
                  m ->
                      observer
                          .etcdHealth(m, Duration.ofMillis(500))
                          .status()
                          .map(EtcdHealth.Status::leader)
                          .orElse(false))
              .findFirst()
              .orElse(left.get(0));
      stop(all.get(next.name()).getId(), Duration.ofSeconds(10));
      left.remove(next);
    }
  }

  @Override
  public void close() {
    observer.close();
    engine.close();
  }
}
