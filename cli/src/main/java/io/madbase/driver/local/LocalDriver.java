package io.madbase.driver.local;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.Sha256;
import io.madbase.common.Signal;
import io.madbase.driver.EnvFile;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.JavaLauncher;
import io.madbase.driver.LaunchPlan;
import io.madbase.driver.ManagedProcess;
import io.madbase.driver.NodeInfo;
import io.madbase.driver.OsUser;
import io.madbase.driver.Preflight;
import io.madbase.driver.Progress;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackState;
import io.madbase.driver.Wait;
import io.madbase.observe.Check;
import io.madbase.observe.StackObserver;
import io.madbase.render.LocalLayout;
import io.madbase.render.RenderContext;
import io.madbase.render.RenderTarget;
import io.madbase.render.StackRenderer;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default driver: every member a native process from the distribution's packages, each on its
 * own loopback address with the port a container would have, all files under the state directory
 * (docs/running-natively.md has the facts this relies on). PostgreSQL and Patroni run as an
 * unprivileged user when madbase runs as root.
 */
public final class LocalDriver implements StackLifecycle {
  static final String NAME = "local";

  static final String GATEWAY_MAIN = "io.madbase.cli.Main";

  /** How long {@code down} lets stopped members' processes be reaped out of their cgroups. */
  static final Duration CGROUP_SETTLE = Duration.ofSeconds(10);

  private final Path stateDir;
  private final StackSpec spec;
  private final String specSource;
  private final String specText;
  private final Topology topology;
  private final Secrets secrets;
  private final OsUser pgUser;
  private final LocalLayout layout;
  private final ProcessLauncher launcher;
  private final StackObserver observer;
  private final LocalFaults faults = new LocalFaults(this);
  private final String stackId;
  private final Optional<Cgroups> cgroups;
  private final NftPartitions partitions;

  private LocalDriver(
      Path stateDir, StackSpec spec, String specSource, String specText, Path pgRoot) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.spec = spec;
    this.specSource = specSource;
    this.specText = specText;
    this.topology = Topology.local(spec);
    this.secrets = Secrets.loadOrCreate(this.stateDir);
    this.pgUser = OsUser.forPostgres(spec.local().postgresUser());
    this.layout = new LocalLayout(this.stateDir, pgRoot);
    this.launcher = new ProcessLauncher(pgUser);
    this.observer = new StackObserver(spec, topology, secrets);
    // one network identity per stack and state directory: two stacks of the same name never
    // share cgroups or partition rules
    this.stackId = spec.name() + "-" + Sha256.of(this.stateDir.toString(), 4);
    this.cgroups = Cgroups.forStack(stackId);
    this.partitions = new NftPartitions(stackId);
  }

  /**
   * A driver for bringing up {@code spec} in {@code stateDir}. If a stack already lives there it
   * must have been started from the same spec (change a running stack with `down` first).
   */
  public static LocalDriver forUp(
      Path stateDir, StackSpec spec, String specSource, String specText) {
    Path dir = stateDir.toAbsolutePath().normalize();
    Optional<StackState> existing = StackState.load(dir);
    if (existing.isPresent()) {
      StackState st = existing.get();
      if (!st.specText().equals(specText)) {
        LocalDriver running = attach(dir);
        boolean anyAlive = running.nodes().stream().anyMatch(NodeInfo::alive);
        running.close();
        if (anyAlive) {
          throw MadbaseException.invalidInput(
              "a stack is running in "
                  + dir
                  + " with a different spec (from "
                  + st.specSource()
                  + "); run `madbase down` first, or use another --state-dir");
        }
      }
      return new LocalDriver(dir, spec, specSource, specText, Path.of(st.pgRoot()));
    }
    return new LocalDriver(dir, spec, specSource, specText, choosePgRoot(dir, spec));
  }

  /** A driver for the stack that lives in {@code stateDir}; exit 3 if there is none. */
  public static LocalDriver attach(Path stateDir) {
    Path dir = stateDir.toAbsolutePath().normalize();
    StackState st = StackState.require(dir);
    return new LocalDriver(
        dir, st.spec().withDriver(NAME), st.specSource(), st.specText(), Path.of(st.pgRoot()));
  }

  /**
   * PostgreSQL's files go in the state directory when its user can reach it; otherwise (a state
   * directory under /root, say) in /var/lib/madbase/<name>-<hash>, which it can.
   */
  private static Path choosePgRoot(Path stateDir, StackSpec spec) {
    OsUser pg = OsUser.forPostgres(spec.local().postgresUser());
    Path probe = stateDir;
    while (probe != null && !Files.exists(probe)) {
      probe = probe.getParent();
    }
    if (pg.isCurrent() || (probe != null && probe.equals(stateDir) && pg.canReach(stateDir))) {
      return stateDir;
    }
    if (probe != null && !probe.equals(stateDir)) {
      // the state directory does not exist yet: it will be created 0755 under the nearest parent
      if (pg.canReach(probe)) {
        return stateDir;
      }
    }
    return Path.of("/var/lib/madbase", spec.name() + "-" + Sha256.of(stateDir.toString(), 4));
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

  public Path stateDir() {
    return stateDir;
  }

  public LocalLayout layout() {
    return layout;
  }

  @Override
  public Secrets secrets() {
    return secrets;
  }

  @Override
  public StackObserver observer() {
    return observer;
  }

  // ------------------------------------------------------------------ up

  @Override
  public UpResult up(Progress progress) {
    long t0 = System.nanoTime();
    Set<String> running =
        nodes().stream()
            .filter(NodeInfo::alive)
            .map(NodeInfo::name)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    List<Member> toStart =
        topology.members().stream().filter(m -> !running.contains(m.name())).toList();
    if (toStart.isEmpty()) {
      return new UpResult(List.of(), Duration.ofNanos(System.nanoTime() - t0));
    }
    preflight(toStart.stream().map(Member::name).collect(Collectors.toSet()));

    // From here on, the state file exists: a half-failed up can always be taken down.
    new StackState(name(), specSource, specText, layout.pgRoot().toString(), Instant.now())
        .save(stateDir);
    prepareDirectories();
    StackRenderer.write(
        StackRenderer.render(RenderContext.of(spec, secrets, RenderTarget.LOCAL, layout)),
        layout.confDir());
    boolean newCluster =
        topology.of(Role.POSTGRES).stream()
            .noneMatch(m -> Files.exists(layout.pgDataDir(m.name())));
    List<String> started = plan().run(toStart, newCluster, progress);
    return new UpResult(List.copyOf(started), Duration.ofNanos(System.nanoTime() - t0));
  }

  private void preflight(Set<String> members) {
    List<Preflight.Finding> problems = new ArrayList<>();
    Preflight.binaries(spec, false).stream().filter(f -> !f.ok()).forEach(problems::add);
    Preflight.ports(spec, topology, members).stream().filter(f -> !f.ok()).forEach(problems::add);
    Preflight.Finding disk = Preflight.disk(stateDir);
    if (!disk.ok()) {
      problems.add(disk);
    }
    if (!problems.isEmpty()) {
      Set<String> fixes = new LinkedHashSet<>();
      problems.forEach(p -> fixes.add(p.fix()));
      fixes.remove("");
      throw MadbaseException.environment(
          "cannot start the stack; nothing was started:\n"
              + problems.stream().map(p -> "  - " + p.what()).collect(Collectors.joining("\n"))
              + (fixes.isEmpty()
                  ? ""
                  : "\n"
                      + fixes.stream().map(f -> "  fix: " + f).collect(Collectors.joining("\n"))));
    }
  }

  /** The shared launch plan, starting members as native processes. */
  private LaunchPlan plan() {
    return new LaunchPlan(
        topology,
        observer,
        secrets,
        new LaunchPlan.Launcher() {
          @Override
          public void start(Member m) {
            startMember(m, true);
          }

          @Override
          public void requireRunning(Member m) {
            LocalDriver.this.requireRunning(m);
          }

          @Override
          public String logHint(List<Member> ms) {
            return LocalDriver.this.logHint(ms);
          }

          @Override
          public void workersChanged() {
            writeWorkersFile();
          }
        });
  }

  private String logHint(List<Member> ms) {
    return "logs: "
        + ms.stream()
            .map(m -> layout.logFile(m.name()).toString())
            .collect(Collectors.joining(" "));
  }

  @Override
  public String logHint(String member) {
    return layout.logFile(member).toString();
  }

  /** A member started and already gone fails at once, with the end of its log. */
  private void requireRunning(Member m) {
    Optional<ManagedProcess> p = ManagedProcess.load(layout.pidFile(m.name()));
    if (p.isPresent() && !p.get().alive()) {
      throw new MadbaseException(
          ExitCode.CHECK_FAILED,
          m.name()
              + " exited while starting; last lines of "
              + layout.logFile(m.name())
              + ":\n"
              + tail(layout.logFile(m.name()), 15)
              + "\n(run `madbase down` to stop what did start)");
    }
  }

  /** Starts one member; {@code fresh}: from newly rendered configs (Redis and Sentinel). */
  private void startMember(Member m, boolean fresh) {
    switch (m.role()) {
      case ETCD -> startEtcd(m);
      case POSTGRES -> startPatroni(m);
      case HAPROXY -> startHaproxy(m);
      case REDIS -> startRedis(m, fresh);
      case SENTINEL -> startSentinel(m, fresh);
      case GATEWAY -> startGateway(m);
      case WORKER -> startWorker(m.name(), m.host());
    }
  }

  static String tail(Path file, int lines) {
    try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
      List<String> all = s.toList();
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
          .map(l -> "    " + l)
          .collect(Collectors.joining("\n"));
    } catch (IOException | UncheckedIOException e) {
      return "    (no log: " + e.getMessage() + ")";
    }
  }

  private void prepareDirectories() {
    try {
      for (Path d :
          List.of(layout.confDir(), layout.logDir(), layout.runDir(), stateDir.resolve("data"))) {
        Files.createDirectories(d);
      }
      for (Member m : topology.members()) {
        if (m.role() != Role.POSTGRES) {
          Files.createDirectories(layout.dataDir(m.name()));
        }
      }
      // PostgreSQL's own directories belong to its user, mode 0700 (PostgreSQL insists)
      List<Path> pgDirs = new ArrayList<>();
      if (!layout.pgRoot().equals(stateDir)) {
        pgDirs.add(layout.pgRoot());
      }
      for (String d : List.of("pgdata", "pgsock", "pgrun", "pgconf")) {
        pgDirs.add(layout.pgRoot().resolve(d));
      }
      for (Path d : pgDirs) {
        Files.createDirectories(d);
        chownToPg(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
      }
      for (Member m : topology.of(Role.POSTGRES)) {
        Path sock = layout.pgSocketDir(m.name());
        Files.createDirectories(sock);
        chownToPg(sock);
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw MadbaseException.environment("cannot prepare " + stateDir + ": " + e.getMessage());
    }
  }

  private void chownToPg(Path p) throws IOException {
    if (pgUser.isCurrent()) {
      return;
    }
    UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(p, lookup.lookupPrincipalByName(pgUser.name()));
    Files.getFileAttributeView(p, PosixFileAttributeView.class)
        .setGroup(lookup.lookupPrincipalByGroupName(pgUser.group()));
  }

  // ------------------------------------------------------------------ starting members

  private String startEtcd(Member m) {
    Map<String, String> env = EnvFile.read(layout.confDir().resolve("etcd/" + m.name() + ".env"));
    return launch(m.name(), List.of("/usr/bin/etcd"), env, stateDir, false);
  }

  private String startPatroni(Member m) {
    try {
      // Patroni's config holds passwords and must be readable by its user: a private copy in pgRoot
      Path conf = layout.pgRoot().resolve("pgconf").resolve(m.name() + ".yml");
      Path tmp =
          Files.createTempFile(
              conf.getParent(),
              "." + m.name(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.copy(
          layout.confDir().resolve("patroni/" + m.name() + ".yml"),
          tmp,
          StandardCopyOption.REPLACE_EXISTING);
      chownToPg(tmp);
      Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return launch(
          m.name(),
          List.of(spec.local().patroni(), conf.toString()),
          Map.of(),
          layout.pgRoot(),
          true);
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot prepare Patroni's config for " + m.name() + ": " + e.getMessage());
    }
  }

  private String startHaproxy(Member m) {
    // -db: stay in the foreground, one process, so the PID we keep is HAProxy's
    return launch(
        m.name(),
        List.of(
            "/usr/sbin/haproxy",
            "-db",
            "-f",
            layout.confDir().resolve("haproxy/haproxy.cfg").toString()),
        Map.of(),
        stateDir,
        false);
  }

  /**
   * Redis and Sentinel rewrite their config files on failover, so each runs from its own copy in
   * its data directory: a fresh one on {@code up}, the rewritten one when a single member restarts
   * (so a restarted old master comes back knowing the new topology).
   */
  private String startRedis(Member m, boolean fresh) {
    Path conf =
        runtimeCopy(
            layout.confDir().resolve("redis/" + m.name() + ".conf"),
            layout.dataDir(m.name()).resolve("redis.conf"),
            fresh);
    return launch(
        m.name(),
        List.of("/usr/bin/redis-server", conf.toString()),
        Map.of(),
        layout.dataDir(m.name()),
        false);
  }

  private String startSentinel(Member m, boolean fresh) {
    Path conf =
        runtimeCopy(
            layout.confDir().resolve("sentinel/" + m.name() + ".conf"),
            layout.dataDir(m.name()).resolve("sentinel.conf"),
            fresh);
    return launch(
        m.name(),
        List.of("/usr/bin/redis-sentinel", conf.toString()),
        Map.of(),
        layout.dataDir(m.name()),
        false);
  }

  private static Path runtimeCopy(Path rendered, Path copy, boolean fresh) {
    try {
      if (fresh || !Files.exists(copy)) {
        Files.createDirectories(copy.getParent());
        Path tmp =
            Files.createTempFile(
                copy.getParent(),
                ".conf",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.copy(rendered, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return copy;
    } catch (IOException e) {
      throw MadbaseException.environment("cannot copy " + rendered + ": " + e.getMessage());
    }
  }

  private String startGateway(Member m) {
    Map<String, String> env =
        EnvFile.read(layout.confDir().resolve("gateway/" + m.name() + ".env"));
    List<String> cmd =
        new ArrayList<>(
            JavaLauncher.command(
                List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"),
                stateDir.resolve("lib")));
    cmd.addAll(List.of(GATEWAY_MAIN, "gateway"));
    return launch(m.name(), cmd, env, stateDir, false);
  }

  private String startWorker(String name, String host) {
    List<String> cmd =
        new ArrayList<>(
            JavaLauncher.command(
                List.of(
                    "-Xms16m",
                    "-Xmx64m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError"),
                stateDir.resolve("lib")));
    cmd.addAll(
        List.of(
            GATEWAY_MAIN,
            "worker",
            "--name",
            name,
            "--bind",
            host,
            "--port",
            spec.workers().port().toString()));
    return launch(name, cmd, Map.of(), stateDir, false);
  }

  private String launch(
      String name, List<String> command, Map<String, String> env, Path workDir, boolean asPg) {
    try {
      Path cgroup = cgroupFor(name);
      ManagedProcess p =
          launcher.start(name, command, env, layout.logFile(name), workDir, asPg, cgroup);
      p.save(layout.pidFile(name));
      return name;
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage());
    }
  }

  /** The member's cgroup directory, or null when there is none to be had (no partitions then). */
  private Path cgroupFor(String member) {
    try {
      return cgroups.isPresent() ? cgroups.get().dirFor(member) : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public Map<String, String> gatewayEnv(String member) {
    return EnvFile.read(layout.confDir().resolve("gateway/" + member + ".env"));
  }

  /** The gateway's discovery list: the spec's workers plus any added at run time that are alive. */
  private void writeWorkersFile() {
    List<String> urls = new ArrayList<>();
    for (Member m : topology.of(Role.WORKER)) {
      urls.add("http://" + m.host() + ":" + spec.workers().port());
    }
    for (NodeInfo n : allProcesses()) {
      if (n.role() == Role.WORKER
          && n.alive()
          && topology.members().stream().noneMatch(m -> m.name().equals(n.name()))) {
        urls.add("http://" + n.address() + ":" + spec.workers().port());
      }
    }
    try {
      Path f = layout.workersFile();
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, urls.stream().map(u -> u + "\n").collect(Collectors.joining()));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot write " + layout.workersFile() + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ observing processes

  @Override
  public List<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>();
    for (Member m : topology.members()) {
      out.add(node(m.name(), m.role(), m.host()));
    }
    // workers added at run time (beyond the spec) have pid files too
    for (NodeInfo n : allProcesses()) {
      if (out.stream().noneMatch(o -> o.name().equals(n.name()))) {
        out.add(n);
      }
    }
    return out;
  }

  private NodeInfo node(String name, Role role, String host) {
    Optional<ManagedProcess> p = ManagedProcess.load(layout.pidFile(name));
    List<Long> children =
        role == Role.POSTGRES
            ? postmaster(name)
                .filter(ManagedProcess::alive)
                .map(mp -> List.of(mp.pid()))
                .orElse(List.of())
            : List.of();
    return new NodeInfo(
        name,
        role,
        host,
        p.map(ManagedProcess::pid).orElse(0L),
        p.map(ManagedProcess::alive).orElse(false),
        children);
  }

  /** Every process with a pid file, including workers added at run time. */
  private List<NodeInfo> allProcesses() {
    List<NodeInfo> out = new ArrayList<>();
    if (!Files.isDirectory(layout.runDir())) {
      return out;
    }
    try (Stream<Path> s = Files.list(layout.runDir())) {
      for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
        Optional<Member> m =
            topology.members().stream().filter(x -> x.name().equals(name)).findFirst();
        if (m.isPresent()) {
          out.add(node(name, m.get().role(), m.get().host()));
        } else if (name.matches("w\\d+")) {
          int i = Integer.parseInt(name.substring(1));
          out.add(node(name, Role.WORKER, Topology.localWorkerAddress(spec, i)));
        }
      }
    } catch (IOException e) {
      throw MadbaseException.environment("cannot read " + layout.runDir() + ": " + e.getMessage());
    }
    return out;
  }

  /** The postmaster of a postgres node, from line 1 of postmaster.pid (Patroni detaches it). */
  Optional<ManagedProcess> postmaster(String member) {
    Path pidFile = layout.pgDataDir(member).resolve("postmaster.pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
      return first.isEmpty()
          ? Optional.empty()
          : ManagedProcess.of(Long.parseLong(first), "postgres " + member);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Every process of a member: its main process and descendants; for a postgres node also the
   * postmaster and its children (Patroni detaches the postmaster, so it is not Patroni's child).
   */
  List<Long> memberProcesses(String member) {
    List<Long> pids = new ArrayList<>();
    ManagedProcess.load(layout.pidFile(member))
        .flatMap(ManagedProcess::handle)
        .ifPresent(
            h -> {
              pids.add(h.pid());
              h.descendants().forEach(d -> pids.add(d.pid()));
            });
    if (member(member).role() == Role.POSTGRES) {
      postmaster(member)
          .flatMap(ManagedProcess::handle)
          .ifPresent(
              h -> {
                pids.add(h.pid());
                h.descendants().forEach(d -> pids.add(d.pid()));
              });
    }
    return pids.stream().distinct().toList();
  }

  Member member(String name) {
    return topology.members().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseGet(
            () -> {
              if (name.matches("w\\d+") && Files.exists(layout.pidFile(name))) {
                return new Member(
                    Role.WORKER,
                    name,
                    Integer.parseInt(name.substring(1)),
                    Topology.localWorkerAddress(spec, Integer.parseInt(name.substring(1))));
              }
              throw MadbaseException.invalidInput(
                  "no member '"
                      + name
                      + "' in this stack (members: "
                      + topology.members().stream()
                          .map(Member::name)
                          .collect(Collectors.joining(", "))
                      + ")");
            });
  }

  ManagedProcess process(String name) {
    member(name);
    return ManagedProcess.load(layout.pidFile(name))
        .filter(ManagedProcess::alive)
        .orElseThrow(() -> MadbaseException.environment(name + " is not running"));
  }

  @Override
  public void start(String member, Progress progress) {
    Member m = member(member);
    if (ManagedProcess.load(layout.pidFile(member)).map(ManagedProcess::alive).orElse(false)) {
      return;
    }
    Set<String> one = Set.of(member);
    List<Preflight.Finding> ports =
        Preflight.ports(spec, topology, one).stream().filter(f -> !f.ok()).toList();
    if (!ports.isEmpty() && m.role() != Role.WORKER) {
      throw MadbaseException.environment(ports.get(0).what());
    }
    progress.step("starting " + member);
    // Redis and Sentinel from the configs they rewrote, so an old master comes back knowing the
    // new topology
    startMember(m, false);
  }

  @Override
  public void awaitPostgresHealthy(Duration deadline, Progress progress) {
    new Wait(deadline, LaunchPlan.POLL, progress)
        .until(
            "Patroni: one leader and "
                + (topology.of(Role.POSTGRES).size() - 1)
                + " streaming replicas",
            observer::patroniCluster,
            logHint(topology.of(Role.POSTGRES)));
  }

  @Override
  public String addWorker(Progress progress) {
    int next =
        nodes().stream()
                .filter(n -> n.role() == Role.WORKER)
                .mapToInt(n -> Integer.parseInt(n.name().substring(1)))
                .max()
                .orElse(0)
            + 1;
    String name = "w" + next;
    String host = Topology.localWorkerAddress(spec, next);
    progress.step("starting worker " + name + " on " + host);
    startWorker(name, host);
    Member m = new Member(Role.WORKER, name, next, host);
    new Wait(Duration.ofSeconds(60), LaunchPlan.POLL, progress)
        .until(
            name + ": /health",
            plan()
                .guarded(
                    List.of(m),
                    () ->
                        io.madbase.observe.Http.get(
                                topology.endpoint(m, Port.WORKER).http() + "/health",
                                Duration.ofSeconds(1))
                            .filter(io.madbase.observe.Http.Response::ok)
                            .map(r -> Check.pass(name, "up"))
                            .orElse(Check.fail(name, "not answering"))),
            logHint(List.of(m)));
    writeWorkersFile();
    return name;
  }

  @Override
  public void removeWorker(String name) {
    if (topology.members().stream().anyMatch(m -> m.name().equals(name))) {
      throw MadbaseException.invalidInput(name + " is one of the spec's workers, not an added one");
    }
    ManagedProcess.load(layout.pidFile(name))
        .ifPresent(p -> p.stop(Signal.TERM, Duration.ofSeconds(10)));
    try {
      Files.deleteIfExists(layout.pidFile(name));
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot remove " + layout.pidFile(name) + ": " + e.getMessage());
    }
    writeWorkersFile();
  }

  @Override
  public long logOffset(String member) {
    try {
      return Files.size(layout.logFile(member));
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public List<String> logSince(String member, long offset) {
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(layout.logFile(member).toFile(), "r")) {
      long len = f.length();
      if (offset >= len) {
        return List.of();
      }
      f.seek(offset);
      byte[] buf = new byte[(int) Math.min(len - offset, 4 << 20)];
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  // ------------------------------------------------------------------ down

  @Override
  public void down(boolean purge, Progress progress) {
    // a partition a chaos run could not heal (the run was killed): Patroni must reach etcd to stop
    // cleanly, and no rule may outlive the stack
    String healed = faults.heal();
    if (!healed.isEmpty()) {
      progress.note(healed);
    }
    List<NodeInfo> all = nodes();
    // a node a chaos run froze and could not resume (the run was killed): a stopped postmaster
    // would ignore Patroni's shutdown, so every member runs again before it is asked to stop
    for (NodeInfo n : all) {
      if (n.alive()) {
        io.madbase.common.Processes.signal(Signal.CONT, memberProcesses(n.name()));
      }
    }
    Duration gatewayGrace = spec.gateway().shutdownGrace().plusSeconds(5);
    stopAll(all, Role.GATEWAY, gatewayGrace, progress);
    stopAll(all, Role.WORKER, Duration.ofSeconds(10), progress);
    stopAll(all, Role.SENTINEL, Duration.ofSeconds(5), progress);
    stopAll(all, Role.REDIS, Duration.ofSeconds(5), progress);
    stopAll(all, Role.HAPROXY, Duration.ofSeconds(5), progress);
    // Patroni stops its postgres cleanly on SIGTERM; give it time for a checkpoint
    stopAll(all, Role.POSTGRES, Duration.ofSeconds(30), progress);
    for (Member m : topology.of(Role.POSTGRES)) {
      // a postmaster left behind (Patroni was killed alone, say): fast shutdown, then kill
      postmaster(m.name())
          .filter(ManagedProcess::alive)
          .ifPresent(
              pm -> {
                progress.step("stopping postgres left running on " + m.name());
                List<ProcessHandle> children =
                    pm.handle().map(h -> h.descendants().toList()).orElse(List.of());
                if (pm.stop(Signal.INT, Duration.ofSeconds(20))) {
                  children.forEach(ProcessHandle::destroyForcibly);
                }
              });
    }
    stopEtcd(progress);

    List<String> left = nodes().stream().filter(NodeInfo::alive).map(NodeInfo::name).toList();
    if (!left.isEmpty()) {
      throw MadbaseException.environment("could not stop: " + String.join(", ", left));
    }
    cgroups.ifPresent(
        c -> {
          List<String> kept = c.removeEmpty(CGROUP_SETTLE);
          if (!kept.isEmpty()) {
            progress.note(
                "cgroup directories still hold processes: "
                    + String.join(", ", kept)
                    + " (under "
                    + c.stackDir()
                    + ")");
          }
        });
    try {
      deleteTree(layout.runDir());
      Files.deleteIfExists(stateDir.resolve(StackState.FILE));
      if (purge) {
        progress.step("removing data, logs and configs (keeping secrets.json)");
        for (Path p :
            List.of(
                stateDir.resolve("data"),
                layout.confDir(),
                layout.logDir(),
                stateDir.resolve("rendered"),
                stateDir.resolve("lib"),
                layout.workersFile())) {
          deleteTree(p);
        }
        for (String d : List.of("pgdata", "pgsock", "pgrun", "pgconf")) {
          deleteTree(layout.pgRoot().resolve(d));
        }
        if (!layout.pgRoot().equals(stateDir)) {
          deleteTree(layout.pgRoot());
        }
      }
    } catch (IOException e) {
      throw MadbaseException.environment(
          "stopped everything, but cannot clean " + stateDir + ": " + e.getMessage());
    }
  }

  private void stopAll(List<NodeInfo> all, Role role, Duration grace, Progress progress) {
    List<ManagedProcess> procs = new ArrayList<>();
    for (NodeInfo n : all) {
      if (n.role() == role && n.alive()) {
        ManagedProcess.load(layout.pidFile(n.name()))
            .filter(ManagedProcess::alive)
            .ifPresent(procs::add);
      }
    }
    if (procs.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    progress.step(
        "stopping "
            + role.label()
            + " ("
            + procs.stream().map(ManagedProcess::command).collect(Collectors.joining(", "))
            + ")");
    procs.forEach(p -> p.signal(Signal.TERM));
    List<String> killed = new ArrayList<>();
    for (ManagedProcess p : procs) {
      Duration left = grace.minus(Duration.ofNanos(System.nanoTime() - t0));
      if (!p.awaitExit(left.isNegative() ? Duration.ZERO : left)) {
        p.signal(Signal.KILL);
        p.awaitExit(Duration.ofSeconds(5));
        killed.add(p.command());
      }
    }
    if (!killed.isEmpty()) {
      progress.note(
          "had to SIGKILL " + String.join(", ", killed) + " after " + grace.toSeconds() + " s");
    }
  }

  /**
   * etcd members one at a time, the current leader first: a leader stopped after its followers
   * tries to hand over leadership and waits 7 s for the attempt to time out; stopped while its
   * followers run, it hands over in milliseconds.
   */
  private void stopEtcd(Progress progress) {
    List<Member> left = new ArrayList<>(topology.of(Role.ETCD));
    left.removeIf(
        m -> ManagedProcess.load(layout.pidFile(m.name())).map(p -> !p.alive()).orElse(true));
    if (left.isEmpty()) {
      return;
    }
    progress.step("stopping etcd (" + LaunchPlan.names(left) + "), leader first");
    while (!left.isEmpty()) {
      Member next =
          left.stream()
              .filter(
                  m ->
                      new io.madbase.observe.EtcdHealth(
                              m.host(), spec.etcd().clientPort(), Duration.ofMillis(500))
                          .status()
                          .map(io.madbase.observe.EtcdHealth.Status::leader)
                          .orElse(false))
              .findFirst()
              .orElse(left.get(0));
      ManagedProcess.load(layout.pidFile(next.name()))
          .filter(ManagedProcess::alive)
          .ifPresent(
              p -> {
                if (p.stop(Signal.TERM, Duration.ofSeconds(10))) {
                  progress.note("had to SIGKILL " + next.name());
                }
              });
      left.remove(next);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  @Override
  public FaultInjector faults() {
    return faults;
  }

  /** The members' cgroup directories, when this machine has cgroup v2 and madbase runs as root. */
  Optional<Cgroups> cgroups() {
    return cgroups;
  }

  NftPartitions partitions() {
    return partitions;
  }

  @Override
  public void close() {
    observer.close();
  }
}
