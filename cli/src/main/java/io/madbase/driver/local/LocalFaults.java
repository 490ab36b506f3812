package io.madbase.driver.local;

import io.madbase.MadbaseException;
import io.madbase.common.Signal;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.ManagedProcess;
import io.madbase.driver.Progress;
import io.madbase.driver.TcShaper;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Faults on native processes: signals to the processes the local driver started, known by PID and
 * start time (a reused PID is never signalled). A postgres node is Patroni plus the postmaster
 * Patroni detached, with its children: a node crash or freeze hits all of them at once.
 */
final class LocalFaults implements FaultInjector {
  private final LocalDriver driver;

  LocalFaults(LocalDriver driver) {
    this.driver = driver;
  }

  @Override
  public String signal(String member, Signal signal) {
    driver.process(member).signal(signal);
    return "SIG" + signal + " to " + mainProcess(member);
  }

  @Override
  public String crash(String member) {
    Member m = driver.member(member);
    ManagedProcess main = driver.process(member);
    if (m.role() != Role.POSTGRES) {
      main.signal(Signal.KILL);
      main.awaitExit(Duration.ofSeconds(5));
      return "SIGKILL of the process";
    }
    // Patroni first, so it cannot restart postgres; then the postmaster and every child at once
    List<ProcessHandle> pg = new ArrayList<>();
    driver
        .postmaster(member)
        .flatMap(ManagedProcess::handle)
        .ifPresent(
            h -> {
              pg.add(h);
              h.descendants().forEach(pg::add);
            });
    main.signal(Signal.KILL);
    pg.forEach(ProcessHandle::destroyForcibly);
    main.awaitExit(Duration.ofSeconds(5));
    for (ProcessHandle h : pg) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // reported by the caller's observation: the node still answering
      }
    }
    return "SIGKILL of Patroni, the postmaster and every child";
  }

  @Override
  public Frozen freeze(String member) {
    driver.process(member);
    List<Long> pids = driver.memberProcesses(member);
    io.madbase.common.Processes.signal(Signal.STOP, pids);
    // a child forked between the listing and the stop (a new backend, say) is caught by a second
    // look; the stopped postmaster forks no more
    List<Long> late = new ArrayList<>(driver.memberProcesses(member));
    late.removeAll(pids);
    if (!late.isEmpty()) {
      io.madbase.common.Processes.signal(Signal.STOP, late);
      pids = new ArrayList<>(pids);
      pids.addAll(late);
    }
    return new Frozen(
        driver.member(member).role() == Role.POSTGRES
            ? "SIGSTOP of Patroni, the postmaster and every child"
            : "SIGSTOP of the process and its children",
        List.copyOf(pids));
  }

  @Override
  public String thaw(String member) {
    driver.member(member);
    io.madbase.common.Processes.signal(Signal.CONT, driver.memberProcesses(member));
    return "SIGCONT";
  }

  @Override
  public String signalPostgres(String member, Signal signal) {
    if (driver.member(member).role() != Role.POSTGRES) {
      throw MadbaseException.invalidInput(member + " is not a postgres node");
    }
    driver
        .postmaster(member)
        .filter(ManagedProcess::alive)
        .orElseThrow(
            () -> MadbaseException.environment("postgres on " + member + " is not running"))
        .signal(signal);
    return "SIG" + signal + " to the postmaster only";
  }

  @Override
  public String stop(String member, Duration grace) {
    driver.process(member).stop(Signal.TERM, grace);
    return "SIGTERM to " + mainProcess(member) + ", SIGKILL after " + grace.toSeconds() + " s";
  }

  @Override
  public String restart(String member, Progress progress) {
    driver.start(member, progress);
    return "the process started again";
  }

  @Override
  public String partition(Cut cut) {
    Cgroups cg = cgroups("network partitions");
    java.util.Set<String> involved = new java.util.LinkedHashSet<>(cut.members());
    involved.addAll(cut.from());
    java.util.Map<String, String> addresses = ownAddresses(cg, involved);
    if (cut.members().stream().anyMatch(cut.from()::contains)) {
      throw MadbaseException.invalidInput(
          "a partition cannot cut a member off from itself: " + cut.describe());
    }
    driver.partitions().apply(cut, cg, addresses);
    return "nft table inet "
        + driver.partitions().table()
        + ": packets their sockets send to the other side's addresses are dropped";
  }

  @Override
  public String throttle(Throttle t) {
    Cgroups cg = cgroups("bandwidth caps");
    java.util.Set<String> involved = new java.util.LinkedHashSet<>(List.of(t.member()));
    involved.addAll(t.to());
    java.util.Map<String, String> addresses = ownAddresses(cg, involved);
    if (t.to().contains(t.member())) {
      throw MadbaseException.invalidInput(
          "a bandwidth cap cannot slow what a member sends to itself: " + t.describe());
    }
    if (!TcShaper.available()) {
      throw MadbaseException.environment(
          "bandwidth caps need tc, which is missing\n  fix: "
              + io.madbase.driver.Preflight.installCommand(java.util.Set.of("iproute2")));
    }
    TcShaper lo = loopback();
    String root = lo.root();
    if (lo.installed() || driver.partitions().shaping()) {
      throw MadbaseException.environment(
          "a bandwidth cap of madbase's is already on lo (this stack's or another's on this"
              + " machine): one at a time; madbase doctor names the stack that left it");
    }
    if (!root.startsWith("noqueue")) {
      throw MadbaseException.environment(
          "lo has a qdisc madbase did not make ("
              + root
              + "), and a bandwidth cap on the local driver needs lo's root: remove it (tc qdisc"
              + " del dev lo root) or run the stack on the docker driver");
    }
    lo.install(t.rate(), List.of(NftPartitions.SHAPED));
    try {
      driver.partitions().shape(t.member(), t.to(), cg, addresses);
    } catch (RuntimeException e) {
      lo.remove();
      throw e;
    }
    return "nft table inet "
        + driver.partitions().table()
        + " marks those packets (DSCP "
        + NftPartitions.DSCP
        + "), and an HTB qdisc on lo (handle "
        + TcShaper.HANDLE
        + ") holds them to "
        + t.rate();
  }

  @Override
  public String heal() {
    NftPartitions p = driver.partitions();
    // without nft (or root) no partition can have been made: nothing to heal, and down goes on
    if (!NftPartitions.available()) {
      return "";
    }
    List<String> done = new ArrayList<>();
    boolean shaped = p.exists() && p.shaping();
    if (p.exists()) {
      java.util.Map<String, Long> dropped = p.dropped();
      p.heal();
      long total = dropped.values().stream().mapToLong(Long::longValue).sum();
      done.add(
          "nft table inet "
              + p.table()
              + " deleted"
              + (dropped.isEmpty()
                  ? ""
                  : "; it had dropped "
                      + total
                      + " packets ("
                      + dropped.entrySet().stream()
                          .map(e -> e.getKey() + ": " + e.getValue())
                          .collect(java.util.stream.Collectors.joining("; "))
                      + ")"));
    }
    // the cap on lo is this stack's when its table marked packets for it, and nobody's when no
    // table marks any: either way it goes (the machine's loopback is left as it was)
    if (TcShaper.available() && (shaped || NftPartitions.shapingTables().isEmpty())) {
      loopback()
          .remove()
          .ifPresent(s -> done.add("the bandwidth cap on lo removed: " + s.describe()));
    }
    return String.join("; ", done);
  }

  @Override
  public List<String> leftoverPartitions() {
    NftPartitions p = driver.partitions();
    if (!NftPartitions.available()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    boolean shaped = p.exists() && p.shaping();
    if (p.exists()) {
      out.add(
          "nft table inet "
              + p.table()
              + " (a partition or bandwidth cap of this stack, not healed)");
    }
    if (TcShaper.available()
        && (shaped || NftPartitions.shapingTables().isEmpty())
        && loopback().installed()) {
      out.add("an HTB qdisc (handle " + TcShaper.HANDLE + ") on lo: a bandwidth cap, not removed");
    }
    return out;
  }

  static TcShaper loopback() {
    return new TcShaper(List.of(), "lo", "lo");
  }

  private Cgroups cgroups(String what) {
    return driver
        .cgroups()
        .orElseThrow(
            () ->
                MadbaseException.environment(
                    what
                        + " on the local driver need cgroup v2 and root: each member runs in a"
                        + " cgroup of its own (madbase doctor shows what is missing)"));
  }

  /**
   * Each member's address, after checking that it runs in a cgroup of its own (its connections can
   * be told apart from the others').
   */
  private java.util.Map<String, String> ownAddresses(Cgroups cg, java.util.Set<String> members) {
    java.util.Map<String, String> addresses = new java.util.HashMap<>();
    for (String name : members) {
      Member m = driver.member(name);
      addresses.put(name, m.host());
      java.util.Optional<ManagedProcess> p =
          ManagedProcess.load(driver.layout().pidFile(name)).filter(ManagedProcess::alive);
      if (!cg.exists(name) || (p.isPresent() && !cg.pids(name).contains(p.get().pid()))) {
        throw MadbaseException.environment(
            name
                + " was started without a cgroup of its own (by an older madbase?), so its"
                + " connections cannot be told apart: restart the stack (madbase down, madbase up)");
      }
    }
    return addresses;
  }

  private String mainProcess(String member) {
    return driver.member(member).role() == Role.POSTGRES ? "Patroni" : "the process";
  }
}
