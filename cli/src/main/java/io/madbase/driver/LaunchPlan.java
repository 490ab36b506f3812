package io.madbase.driver;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.observe.Check;
import io.madbase.observe.StackObserver;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The order a stack comes up in, and what is waited for between the steps: the same for every
 * driver. etcd first, healthy before Patroni starts (Patroni 3.0.2 misreads a fresh etcd's version
 * and waits); Redis, the Sentinels and the workers while Patroni bootstraps; the first postgres
 * node alone on a new cluster, the others once it answers; the application database on the leader;
 * then HAProxy and the gateways; and the whole stack judged once more, as {@code status} will judge
 * it.
 */
public final class LaunchPlan {
  /** How long each phase may take before the plan gives up and says what it saw. */
  public static final Duration PHASE_DEADLINE = Duration.ofSeconds(90);

  public static final Duration POLL = Duration.ofMillis(200);

  /** What a driver does for the plan. */
  public interface Launcher {
    /** Starts one member, its configuration in place. */
    void start(Member m);

    /**
     * Throws (exit 1, with the end of its log) when a member it started has exited already: a dead
     * member fails the wait at once rather than at the deadline.
     */
    void requireRunning(Member m);

    /** Where the logs of {@code ms} are, for messages. */
    String logHint(List<Member> ms);

    /** The gateway's list of workers must be written again (the workers changed). */
    void workersChanged();
  }

  private final Topology topology;
  private final StackObserver observer;
  private final Secrets secrets;
  private final Launcher launcher;

  public LaunchPlan(Topology topology, StackObserver observer, Secrets secrets, Launcher launcher) {
    this.topology = topology;
    this.observer = observer;
    this.secrets = secrets;
    this.launcher = launcher;
  }

  /**
   * Starts {@code toStart} in the plan's order and waits until the whole stack is healthy.
   *
   * @param newCluster no postgres node has data yet: the first bootstraps the cluster alone
   * @return the names of the members started, in order
   */
  public List<String> run(List<Member> toStart, boolean newCluster, Progress progress) {
    Wait wait = new Wait(PHASE_DEADLINE, POLL, progress);
    List<String> started = new ArrayList<>();

    List<Member> etcd = pending(toStart, Role.ETCD);
    if (!etcd.isEmpty()) {
      progress.step("starting etcd (" + names(etcd) + ")");
      startAll(etcd, started);
      wait.until("etcd: every member healthy", guarded(etcd, observer::etcd), hint(etcd));
    }

    // Redis, the Sentinels and the workers need nothing from PostgreSQL: they start now and get
    // ready while Patroni bootstraps, which is most of the wait.
    List<Member> redis = new ArrayList<>(pending(toStart, Role.REDIS));
    redis.addAll(pending(toStart, Role.SENTINEL));
    if (!redis.isEmpty()) {
      progress.step("starting Redis and Sentinel (" + names(redis) + ")");
      startAll(redis, started);
    }
    List<Member> workers = pending(toStart, Role.WORKER);
    launcher.workersChanged();
    if (!workers.isEmpty()) {
      progress.step("starting workers (" + names(workers) + ")");
      startAll(workers, started);
    }

    List<Member> pg = pending(toStart, Role.POSTGRES);
    if (!pg.isEmpty()) {
      progress.step("starting Patroni + PostgreSQL (" + names(pg) + ")");
      if (newCluster && pg.size() == topology.of(Role.POSTGRES).size()) {
        // the first node bootstraps the cluster; the others clone it once it leads
        Member first = pg.get(0);
        startAll(List.of(first), started);
        wait.until(
            "Patroni on " + first.name() + " to answer",
            guarded(
                List.of(first),
                () ->
                    observer
                        .patroni(first)
                        .node()
                        .map(s -> Check.pass("patroni", s.role()))
                        .orElse(Check.fail("patroni", "no answer yet"))),
            hint(List.of(first)));
        startAll(pg.subList(1, pg.size()), started);
      } else {
        startAll(pg, started);
      }
    }
    // also when every node was running: members started again (etcd back after an outage, say)
    // can leave Patroni without a leader for a moment
    wait.until(
        "Patroni: one leader and "
            + (topology.of(Role.POSTGRES).size() - 1)
            + " streaming replicas",
        guarded(pg, observer::patroniCluster),
        hint(topology.of(Role.POSTGRES)));
    Member leader =
        observer
            .leader()
            .orElseThrow(
                () ->
                    new MadbaseException(
                        ExitCode.CHECK_FAILED, "no Patroni leader after the cluster was healthy"));
    new DatabaseBootstrap(topology, secrets).ensure(leader);

    List<Member> haproxy = pending(toStart, Role.HAPROXY);
    if (!haproxy.isEmpty()) {
      progress.step("starting HAProxy");
      startAll(haproxy, started);
    }
    List<Member> gateways = pending(toStart, Role.GATEWAY);
    if (!gateways.isEmpty()) {
      // the gateway holds its first requests until HAProxy routes: it can start alongside
      progress.step("starting gateway (" + names(gateways) + ")");
      startAll(gateways, started);
    }
    wait.until(
        "HAProxy: " + leader.name() + " the one UP primary, the others UP replicas",
        guarded(
            haproxy,
            () -> observer.haproxy(observer.leader().map(Member::name).orElse(leader.name()))),
        hint(haproxy));
    if (!topology.of(Role.SENTINEL).isEmpty()) {
      wait.until(
          "Sentinel: every sentinel agrees on the master and its replicas",
          guarded(redis, observer::sentinels),
          hint(redis));
    }
    if (!workers.isEmpty()) {
      wait.until("workers: /health", guarded(workers, observer::workers), hint(workers));
    }
    if (!gateways.isEmpty()) {
      wait.until("gateway: /ready", guarded(gateways, observer::gateways), hint(gateways));
    }
    // each member was waited for as it started; the whole stack is judged once more, as `status`
    // will judge it, since what was already running may have changed meanwhile
    wait.until("the whole stack healthy", guarded(toStart, observer::stack), hint(toStart));
    return List.copyOf(started);
  }

  private void startAll(List<Member> ms, List<String> started) {
    for (Member m : ms) {
      launcher.start(m);
      started.add(m.name());
    }
  }

  /** A probe that first checks the members it waits for still run: a dead one fails at once. */
  public Supplier<Check> guarded(List<Member> members, Supplier<Check> probe) {
    return () -> {
      members.forEach(launcher::requireRunning);
      return probe.get();
    };
  }

  private String hint(List<Member> ms) {
    return ms.isEmpty() ? "" : launcher.logHint(ms);
  }

  private static List<Member> pending(List<Member> toStart, Role role) {
    return toStart.stream().filter(m -> m.role() == role).toList();
  }

  public static String names(List<Member> ms) {
    return ms.stream().map(Member::name).collect(Collectors.joining(", "));
  }
}
