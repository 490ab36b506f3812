package io.madbase.chaos;

import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a signal to a gateway or a worker, or a new worker, leads to. */
final class ServiceFaults {
  private ServiceFaults() {}

  static Optional<String> newWorker(Observed o) {
    return o.events().first(0, e -> e.kind().equals(Event.WORKER_STARTED)).map(Event::subject);
  }

  /**
   * A restarted gateway is back when it is ready and, with two gateways or more, when HAProxy
   * routes to it again: a rolling restart must not signal the next one before
   * (rolling-restart-gateways waits for these with await_recovery).
   */
  static void gatewaysBack(List<PhaseSpec> out, Expectations.Fault f, StackSpec spec) {
    List<io.madbase.stack.Member> gateways =
        io.madbase.stack.Topology.local(spec).of(io.madbase.stack.Role.GATEWAY);
    FailoverTiming t = spec.timing();
    for (io.madbase.stack.Member gw : gateways) {
      String name = gw.name();
      if (!f.restarted().contains(name)) {
        continue;
      }
      Bound ready =
          new Bound(0, 30, "a JVM starts, opens its pools and its probe finds the primary");
      out.add(
          new PhaseSpec(
              "ready_" + name,
              name + " ready again",
              "GET /ready",
              true,
              o ->
                  o.firstEvent(
                      Event.READY, e -> e.subject().equals(name) && e.detail().equals("ready")),
              ready));
      if (gateways.size() >= 2) {
        double check = t.haproxy().downinter().toMillis() / 1000.0 * t.haproxy().rise();
        out.add(
            new PhaseSpec(
                "routed_" + name,
                "HAProxy routes to " + name + " again",
                "HAProxy stats",
                true,
                o ->
                    o.firstEvent(
                        Event.HAPROXY_GATEWAYS, e -> List.of(e.detail().split(" ")).contains(name)),
                ready.plus(0, check + 1, "HAProxy's check of a down server passes rise times")));
      }
    }
  }

  /** SIGTERM to a gateway: readiness off, listener closed, in-flight requests finish, exit. */
  static void gatewaySignalled(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {

    // with two gateways, the listener closes only after the drain delay (HAProxy takes the
    // gateway out first)
    double drain = spec.gatewayDrainDelay().toMillis() / 1000.0;
    double grace = spec.gateway().shutdownGrace().toMillis() / 1000.0;
    out.add(
        new PhaseSpec(
            "not_ready",
            "readiness false",
            "GET /ready",
            true,
            o ->
                o.firstEvent(
                    Event.READY,
                    e -> e.subject().equals(f.target()) && !e.detail().equals("ready")),
            new Bound(0, 0.5, "readiness turns false first thing on SIGTERM")));
    out.add(
        new PhaseSpec(
            "listener_closed",
            "new connections refused",
            "TCP connect",
            true,
            o -> o.firstEvent(Event.LISTENER_CLOSED, e -> e.subject().equals(f.target())),
            new Bound(
                0,
                drain + grace + 1,
                "the listener closes once readiness is withdrawn (and the drain delay has"
                    + " passed), before in-flight requests finish")));
    out.add(
        new PhaseSpec(
            "exited",
            "process exited",
            "process table",
            true,
            o -> o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target())),
            new Bound(
                0,
                drain + grace + 2,
                "in-flight requests finish within the shutdown grace (after the drain delay)")));
  }

  /** SIGTERM to a worker: it exits, and the gateway sends the calls to the others. */
  static void workerSignalled(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {

    out.add(
        new PhaseSpec(
            "exited",
            "worker exited",
            "process table",
            true,
            o -> o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target())),
            new Bound(0, 5, "in-flight calls finish, then the worker exits")));
    if (probes.contains("function_caller")) {
      out.add(
          new PhaseSpec(
              "served_elsewhere",
              "first call served by another worker after the exit",
              "function_caller probe",
              true,
              o ->
                  o.firstEvent(Event.PROCESS_EXITED, e -> e.subject().equals(f.target()))
                      .flatMap(
                          x ->
                              o.firstOk(
                                  "function_caller", x, op -> !op.servedBy().equals(f.target()))),
              new Bound(
                  0,
                  spec.workers().discoveryInterval().toMillis() / 1000.0 + 1,
                  "at worst until the next discovery refresh")));
    }
  }

  /** A new worker: healthy, then routed to within a discovery interval. */
  static void workerAdded(
      List<PhaseSpec> out, Expectations.Fault f, StackSpec spec, Set<String> probes) {

    double interval = spec.workers().discoveryInterval().toMillis() / 1000.0;
    out.add(
        new PhaseSpec(
            "worker_started",
            "new worker healthy",
            "GET /health",
            true,
            o -> o.firstEvent(Event.WORKER_STARTED, e -> true),
            new Bound(0, 5, "JVM start of the worker")));
    if (probes.contains("function_caller")) {
      out.add(
          new PhaseSpec(
              "worker_routed",
              "first call routed to the new worker",
              "function_caller probe",
              true,
              o ->
                  o.firstEvent(Event.WORKER_STARTED, e -> true)
                      .flatMap(
                          s ->
                              newWorker(o)
                                  .flatMap(
                                      w ->
                                          o.firstOk(
                                              "function_caller",
                                              s,
                                              op -> op.servedBy().equals(w)))),
              new Bound(
                  0,
                  interval + 5,
                  "the gateway re-reads the worker list every discovery interval ("
                      + spec.workers().discoveryInterval().toSeconds()
                      + " s)")));
    }
  }
}
