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
}
