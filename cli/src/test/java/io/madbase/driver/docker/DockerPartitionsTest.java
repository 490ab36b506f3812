package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.driver.FaultInjector.Direction;
import org.junit.jupiter.api.Test;

/** The iptables rules a cut becomes, and what madbase reads back from a namespace's listing. */
class DockerPartitionsTest {

  @Test
  void bothWaysDropsEveryPacketToAndFromTheOtherSidesAddress() {
    assertThat(DockerPartitions.rules("pg1", "e1", "172.20.0.2", Direction.BOTH))
        .isEqualTo(
            """
            -A MADBASE-PART -d 172.20.0.2/32 -m comment --comment "pg1 -> e1" -j DROP
            -A MADBASE-PART -s 172.20.0.2/32 -m comment --comment "e1 -> pg1" -j DROP
            """);
  }

  @Test
  void outgoingDropsOnlyWhatTheMemberSendsOnConnectionsItOpened() {
    assertThat(DockerPartitions.rules("r1", "s2", "172.20.0.9", Direction.OUTGOING))
        .isEqualTo(
            "-A MADBASE-PART -d 172.20.0.9/32 -m conntrack --ctdir ORIGINAL -m comment --comment"
                + " \"r1 -> s2\" -j DROP\n");
  }

  @Test
  void incomingDropsOnlyWhatTheOthersSendOnConnectionsTheyOpened() {
    assertThat(DockerPartitions.rules("r1", "s2", "172.20.0.9", Direction.INCOMING))
        .isEqualTo(
            "-A MADBASE-PART -s 172.20.0.9/32 -m conntrack --ctdir ORIGINAL -m comment --comment"
                + " \"s2 -> r1\" -j DROP\n");
  }

  @Test
  void theChainItsJumpsAndItsCountersAreReadBackFromTheListing() {
    String rules =
        """
        -P INPUT ACCEPT
        -P FORWARD ACCEPT
        -P OUTPUT ACCEPT
        -N MADBASE-PART
        -A INPUT -j MADBASE-PART
        -A OUTPUT -j MADBASE-PART
        -A OUTPUT -j MADBASE-PART
        -A MADBASE-PART -s 172.20.0.2/32 -m comment --comment "e1 -> pg1" -j DROP
        """;
    assertThat(DockerPartitions.hasChain(rules)).isTrue();
    assertThat(DockerPartitions.jumps(rules, "INPUT")).isEqualTo(1);
    assertThat(DockerPartitions.jumps(rules, "OUTPUT")).isEqualTo(2);
    assertThat(DockerPartitions.hasChain("-P INPUT ACCEPT\n-N MADBASE-PARTX\n")).isFalse();
    String counters =
        """
        Chain MADBASE-PART (2 references)
            pkts      bytes target     prot opt in     out     source               destination
              12      720 DROP       0    --  *      *       0.0.0.0/0            172.20.0.2           /* pg1 -> e1 */
               3      180 DROP       0    --  *      *       172.20.0.2           0.0.0.0/0            /* e1 -> pg1 */
               0        0 DROP       0    --  *      *       0.0.0.0/0            172.20.0.3           ctdir ORIGINAL /* pg1 -> e2 */
        """;
    assertThat(DockerPartitions.dropped(counters))
        .containsExactly(
            java.util.Map.entry("pg1 -> e1", 12L),
            java.util.Map.entry("e1 -> pg1", 3L),
            java.util.Map.entry("pg1 -> e2", 0L));
  }
}
