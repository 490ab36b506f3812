package io.madbase.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A chaos scenario as written in its YAML file: the steady state to check first, the probes that
 * run through the fault, the method (faults and waits), the rollback, and the SLOs the run is
 * judged by. docs/scenarios.md describes every field.
 */
public record ScenarioSpec(
    String name,
    String description,
    List<String> steadyState,
    Probes probes,
    List<Step> method,
    List<String> rollback,
    Slo slo) {

  public ScenarioSpec {
    description = Objects.requireNonNullElse(description, "");
    steadyState = Objects.requireNonNullElse(steadyState, List.of("stack_healthy"));
    probes =
        Objects.requireNonNullElseGet(probes, () -> new Probes(null, null, null, null, null, null));
    method = Objects.requireNonNullElse(method, List.of());
    rollback = Objects.requireNonNullElse(rollback, List.of("restart_faulted"));
    slo =
        Objects.requireNonNullElseGet(
            slo,
            () ->
                new Slo(
                    null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null));
  }

  /**
   * The probes; a probe runs when its key is present ({@code gateway_writer: {}} runs it with the
   * default interval).
   */
  public record Probes(
      ProbeSettings gatewayWriter,
      ProbeSettings haproxyWriter,
      ProbeSettings replicaReader,
      ProbeSettings redisWriter,
      ProbeSettings gatewayReader,
      ProbeSettings functionCaller) {}

  /**
   * @param interval time between two operations (their intended start times)
   * @param delay for function_caller: how long each call makes the worker take, so calls are in
   *     flight when a fault strikes
   */
  public record ProbeSettings(Duration interval, Duration delay) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    public Duration intervalOrDefault() {
      return interval == null ? DEFAULT_INTERVAL : interval;
    }
  }

  /**
   * One step of the method.
   *
   * @param action what to do (see {@link Action})
   * @param target which member: leader, replica, a name (pg2, gw1, w1, e2); default per action
   * @param signal for signal_gateway, signal_worker, kill_postgres
   * @param candidate for switchover: the node to promote (default: Patroni chooses)
   * @param duration for sleep; for freeze_node and partition, how long the fault lasts
   * @param timeout for await_recovery
   * @param from for partition: what the target is cut off from (groups or member names)
   * @param direction for partition: both (default), outgoing (the target cannot reach them),
   *     incoming (they cannot reach the target)
   */
  public record Step(
      String action,
      String target,
      String signal,
      String candidate,
      Duration duration,
      Duration timeout,
      List<String> from,
      String direction,
      List<String> to,
      String rate) {}

  /**
   * The SLOs, each optional; a run meets its SLOs when every one present holds.
   *
   * @param writeUnavailability the longest time without a successful write through the gateway
   *     (through HAProxy when the scenario has no gateway writer)
   * @param failedGatewayRequests requests through the gateway that failed (an error, not a delay)
   * @param failedHaproxyWrites writes straight through HAProxy that failed
   * @param failedRedisWrites Redis writes that failed
   * @param lostAcknowledgedWrites acknowledged writes missing after recovery (PostgreSQL and Redis)
   * @param splitBrain observations of two writable primaries, HAProxy routing writes to a demoted
   *     node, or a leader key written over another member's
   * @param staleRoute HAProxy routing writes to a node that is not the primary (only that: a
   *     resumed old primary that is a primary for a moment, unrouted, is not counted)
   * @param recoveryTime from the fault to recovery (every expected phase observed)
   * @param discoveryTime for add_worker: from the worker's start to its first routed request
   * @param failedInFlightRequests for signal_gateway: requests in flight at SIGTERM that failed
   * @param cleanExit for signal_gateway/worker: the process exits 0 and says it shut down cleanly
   * @param leaderChanges how often the Patroni leader key may change hands (0: no failover)
   * @param staleReplicaRoute reads through HAProxy's replicas port answered by a primary (runs of
   *     them, from the replica_reader probe)
   * @param loadReadsP99 with {@code --load}: the highest p99 of reads in any second from the fault
   *     to recovery (default 500 ms)
   * @param loadReadsCompleted with {@code --load}: the lowest share, in percent, of the reads
   *     offered in a second that complete in it, from the fault to recovery (default 95)
   */
  public record Slo(
      Duration writeUnavailability,
      Integer failedGatewayRequests,
      Integer failedHaproxyWrites,
      Integer failedRedisWrites,
      Integer lostAcknowledgedWrites,
      Integer splitBrain,
      Integer staleRoute,
      Duration recoveryTime,
      Duration discoveryTime,
      Integer failedInFlightRequests,
      Boolean cleanExit,
      Integer leaderChanges,
      Integer staleReplicaRoute,
      Duration loadReadsP99,
      Integer loadReadsCompleted) {}
}
