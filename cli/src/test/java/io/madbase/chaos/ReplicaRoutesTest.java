package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.stack.StackSpecLoader;
import io.madbase.stack.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaRoutesTest {
  static final long S = 1_000_000_000L;

  static Op read(long seq, double at, String answered, String address) {
    long t = (long) (at * S);
    return new Op("replica_reader", seq, t, t + 2_000_000, Op.Outcome.OK, "", answered, 0, address);
  }

  static Op failed(long seq, double at) {
    long t = (long) (at * S);
    return new Op(
        "replica_reader", seq, t, t + 2_000_000, Op.Outcome.FAILED, "connection_lost", "", 0, "");
  }

  @Test
  void readsAPrimaryAnsweredOnTheReplicasPortAreOneAnomalyPerRunNamingTheNode() {
    Topology topology =
        Topology.local(StackSpecLoader.parse("m.yaml", "local:\n  subnet: 127.0.1\n"));
    List<Op> ops =
        List.of(
            read(1, 9.0, "replica", "127.0.1.2/32"),
            read(2, 9.25, "primary", "127.0.1.2/32"), // pg2 promoted, its session not yet cut
            read(3, 9.5, "primary", "127.0.1.2/32"),
            failed(4, 9.75), // HAProxy shuts the session down
            read(5, 10.0, "replica", "127.0.1.1/32"),
            read(6, 12.0, "primary", "127.0.1.1/32"));
    var anomalies = ReplicaRoutes.stale(ops, topology, 0);
    assertThat(anomalies).hasSize(2);
    assertThat(anomalies.get(0).kind()).isEqualTo("stale_replica_route");
    assertThat(anomalies.get(0).atSeconds()).isEqualTo(9.252);
    assertThat(anomalies.get(0).detail())
        .isEqualTo(
            "HAProxy's replicas port sent 2 reads to pg2, a primary (pg_is_in_recovery() false),"
                + " from +9.25 s to +9.50 s");
    assertThat(anomalies.get(1).detail()).contains("1 read to pg1");
    assertThat(ReplicaRoutes.stale(List.of(read(1, 1, "replica", "127.0.1.1/32")), topology, 0))
        .isEmpty();
  }
}
