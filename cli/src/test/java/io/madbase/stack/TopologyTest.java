package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologyTest {
  @Test
  void localMembersEachHaveTheirOwnLoopbackAddressInTheSubnet() {
    StackSpec spec = StackSpecLoader.parse("m.yaml", "local:\n  subnet: 127.0.9\n");
    Topology t = Topology.local(spec);
    assertThat(t.of(Role.POSTGRES))
        .extracting(Member::host)
        .containsExactly("127.0.9.1", "127.0.9.2", "127.0.9.3");
    assertThat(t.haproxy().host()).isEqualTo("127.0.9.10");
    assertThat(t.of(Role.ETCD))
        .extracting(Member::host)
        .containsExactly("127.0.9.11", "127.0.9.12", "127.0.9.13");
    assertThat(t.of(Role.REDIS))
        .extracting(Member::host)
        .containsExactly("127.0.9.21", "127.0.9.22", "127.0.9.23");
    assertThat(t.of(Role.SENTINEL)).extracting(Member::name).containsExactly("s1", "s2", "s3");
    assertThat(t.of(Role.GATEWAY)).extracting(Member::host).containsExactly("127.0.9.41");
    assertThat(t.of(Role.WORKER))
        .extracting(Member::host)
        .containsExactly("127.0.9.51", "127.0.9.52");
    assertThat(t.members()).extracting(Member::host).doesNotHaveDuplicates();
  }

  @Test
  void composeMembersAreReachedByServiceName() {
    Topology t = Topology.compose(StackSpec.defaults());
    assertThat(t.of(Role.POSTGRES)).extracting(Member::host).containsExactly("pg1", "pg2", "pg3");
    assertThat(t.haproxy().host()).isEqualTo("haproxy");
  }

  @Test
  void madbaseReachesLocalMembersOnTheirOwnAddressAndPort() {
    StackSpec spec = StackSpecLoader.parse("m.yaml", "local:\n  subnet: 127.0.9\n");
    Topology t = Topology.local(spec);
    assertThat(t.endpoint(t.member("pg2"), Port.PATRONI_REST))
        .isEqualTo(new Endpoint("127.0.9.2", 8008));
    assertThat(t.haproxy(Port.HAPROXY_REPLICAS)).isEqualTo(new Endpoint("127.0.9.10", 5434));
    assertThat(t.reachable(new Endpoint("127.0.9.22", 6379)))
        .isEqualTo(new Endpoint("127.0.9.22", 6379));
  }

  @Test
  void madbaseReachesComposeMembersOnlyThroughPortsPublishedOnLoopback() {
    // two gateways: HAProxy publishes its gateways listener too
    StackSpec spec =
        StackSpecLoader.parse(
            "m.yaml", "docker:\n  host_port_base: 20000\ngateway:\n  instances: 2\n");
    Topology t = Topology.compose(spec);
    assertThat(t.gatewayEntry()).contains(new Endpoint("127.0.0.1", 20036));
    assertThat(t.haproxy(Port.HAPROXY_PRIMARY)).isEqualTo(new Endpoint("127.0.0.1", 20033));
    assertThat(t.endpoint(t.member("pg3"), Port.POSTGRES))
        .isEqualTo(new Endpoint("127.0.0.1", 20003));
    // every published port of every member is distinct, on 127.0.0.1, within base..base+99
    java.util.List<Endpoint> all = new java.util.ArrayList<>();
    for (Member m : t.members()) {
      for (Port p : t.ports(m)) {
        all.add(t.endpoint(m, p));
      }
    }
    assertThat(all).doesNotHaveDuplicates().allMatch(e -> e.host().equals("127.0.0.1"));
    assertThat(all).allMatch(e -> e.port() > 20000 && e.port() <= HostPorts.last(spec));
    // a master the Sentinels name "r2 6379" is reached on r2's published port
    assertThat(t.reachable(new Endpoint("r2", 6379))).isEqualTo(new Endpoint("127.0.0.1", 20042));
  }

  @Test
  void clientsReachOneGatewayDirectlyAndTwoThroughHaproxysGatewaysPort() {
    Topology one = Topology.local(StackSpecLoader.parse("m.yaml", "local:\n  subnet: 127.0.9\n"));
    assertThat(one.gatewayEntry()).contains(new Endpoint("127.0.9.41", 8080));
    assertThat(one.ports(one.haproxy())).doesNotContain(Port.HAPROXY_GATEWAYS);
    Topology two =
        Topology.local(
            StackSpecLoader.parse(
                "m.yaml", "local:\n  subnet: 127.0.9\ngateway:\n  instances: 2\n"));
    assertThat(two.gatewayEntry()).contains(new Endpoint("127.0.9.10", 8080));
    assertThat(two.ports(two.haproxy())).contains(Port.HAPROXY_GATEWAYS);
    Topology none = Topology.local(StackSpecLoader.parse("m.yaml", "gateway:\n  instances: 0\n"));
    assertThat(none.gatewayEntry()).isEmpty();
  }
}
