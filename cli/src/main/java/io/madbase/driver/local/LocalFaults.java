package io.madbase.driver.local;

import io.madbase.MadbaseException;
import io.madbase.common.Signal;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.ManagedProcess;
import io.madbase.driver.Progress;
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
    Cgroups cg =
        driver
            .cgroups()
            .orElseThrow(
                () ->
                    MadbaseException.environment(
                        "network partitions on the local driver need cgroup v2 and root: each"
                            + " member runs in a cgroup of its own (madbase doctor shows what is"
                            + " missing)"));
    java.util.Map<String, String> addresses = new java.util.HashMap<>();
    java.util.Set<String> involved = new java.util.LinkedHashSet<>(cut.members());
    involved.addAll(cut.from());
    for (String name : involved) {
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
  public String heal() {
    NftPartitions p = driver.partitions();
    // without nft (or root) no partition can have been made: nothing to heal, and down goes on
    if (!NftPartitions.available() || !p.exists()) {
      return "";
    }
    java.util.Map<String, Long> dropped = p.dropped();
    p.heal();
    long total = dropped.values().stream().mapToLong(Long::longValue).sum();
    return "nft table inet "
        + p.table()
        + " deleted; it had dropped "
        + total
        + " packets ("
        + dropped.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(java.util.stream.Collectors.joining("; "))
        + ")";
  }

  @Override
  public List<String> leftoverPartitions() {
    NftPartitions p = driver.partitions();
    return NftPartitions.available() && p.exists()
        ? List.of("nft table inet " + p.table() + " (a partition of this stack, not healed)")
        : List.of();
  }

  private String mainProcess(String member) {
    return driver.member(member).role() == Role.POSTGRES ? "Patroni" : "the process";
  }
}
