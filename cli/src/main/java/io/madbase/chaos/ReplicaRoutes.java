package io.madbase.chaos;

import io.madbase.stack.Member;
import io.madbase.stack.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Stale routes on HAProxy's replicas port, from what the replica_reader probe records: each read
 * says whether a replica answered it ({@code pg_is_in_recovery()}) and at which address. A read
 * answered by a primary went through a route HAProxy had not yet taken down: a promoted replica
 * keeps the reader's connection until HAProxy's check fails it and its sessions are shut down.
 * Reported as an anomaly (the data read is a primary's, so it is not wrong, only routed against the
 * port's promise); the stale_replica_route SLO counts them when a scenario sets it.
 */
final class ReplicaRoutes {
  static final String KIND = "stale_replica_route";

  private ReplicaRoutes() {}

  /** One anomaly per run of consecutive reads a primary answered; times after {@code origin}. */
  static List<RunResult.Anomaly> stale(List<Op> readerOps, Topology topology, long origin) {
    List<RunResult.Anomaly> out = new ArrayList<>();
    List<Op> ops = readerOps.stream().sorted(Comparator.comparingLong(Op::intendedNanos)).toList();
    Op first = null;
    Op last = null;
    int n = 0;
    for (Op o : ops) {
      if (o.ok() && "primary".equals(o.detail())) {
        if (first == null) {
          first = o;
        }
        last = o;
        n++;
      } else if (o.outcome() != Op.Outcome.NOT_SENT) {
        if (first != null) {
          out.add(anomaly(first, last, n, topology, origin));
        }
        first = null;
        n = 0;
      }
    }
    if (first != null) {
      out.add(anomaly(first, last, n, topology, origin));
    }
    return out;
  }

  private static RunResult.Anomaly anomaly(
      Op first, Op last, int n, Topology topology, long origin) {
    // inet_server_addr()::text carries the mask: 127.0.1.2/32
    String address = first.servedBy().replaceAll("/\\d+$", "");
    String node =
        topology.members().stream()
            .filter(m -> m.host().equals(address))
            .map(Member::name)
            .findFirst()
            .orElse(address.isEmpty() ? "a node" : address);
    return new RunResult.Anomaly(
        KIND,
        RunClock.seconds(first.endNanos() - origin),
        String.format(
            Locale.ROOT,
            "HAProxy's replicas port sent %d read%s to %s, a primary (pg_is_in_recovery() false),"
                + " from %+.2f s to %+.2f s",
            n,
            n == 1 ? "" : "s",
            node,
            RunClock.seconds(first.endNanos() - origin),
            RunClock.seconds(last.endNanos() - origin)));
  }
}
