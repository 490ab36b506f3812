package io.madbase.driver.local;

import io.madbase.MadbaseException;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.ManagedProcess;
import io.madbase.driver.Progress;
import io.madbase.driver.Signal;
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
    ManagedProcess.signalAll(Signal.STOP, pids);
    // a child forked between the listing and the stop (a new backend, say) is caught by a second
    // look; the stopped postmaster forks no more
    List<Long> late = new ArrayList<>(driver.memberProcesses(member));
    late.removeAll(pids);
    if (!late.isEmpty()) {
      ManagedProcess.signalAll(Signal.STOP, late);
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
    ManagedProcess.signalAll(Signal.CONT, driver.memberProcesses(member));
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

  private String mainProcess(String member) {
    return driver.member(member).role() == Role.POSTGRES ? "Patroni" : "the process";
  }
}
