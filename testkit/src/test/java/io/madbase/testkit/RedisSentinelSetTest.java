package io.madbase.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSentinelSetTest {
  @Test
  void sentinelsPromoteTheReplicaAfterTheMasterIsKilled() {
    try (RedisSentinelSet set = RedisSentinelSet.start("redis-pw")) {
      set.initialMaster().command("SET", "k", "v");
      // replication is asynchronous: wait until the replica has it before crashing the master
      assertThat(set.initialMaster().command("WAIT", "1", "3000")).isEqualTo(1L);
      assertThat(set.sentinelUrl())
          .startsWith("redis-sentinel://redis-pw@127.0.0.1:")
          .endsWith("/0#mymaster");

      set.killMaster();
      set.awaitFailover(Duration.ofSeconds(30));

      assertThat(set.initialReplica().command("GET", "k")).isEqualTo("v");
      assertThat(set.initialReplica().command("SET", "k2", "v2")).isEqualTo("OK");
    }
  }

  @Test
  void dataNodesRequireThePassword() {
    try (RedisServer r = RedisServer.start("pw1")) {
      assertThat(r.command("PING")).isEqualTo("PONG");
      assertThatThrownBy(() -> RedisCommand.send(r.port(), null, "GET", "x"))
          .hasMessageContaining("NOAUTH");
    }
  }
}
