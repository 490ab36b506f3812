package io.madbase.render;

import static io.madbase.render.RenderTestSupport.env;
import static io.madbase.render.RenderTestSupport.render;
import static io.madbase.render.RenderTestSupport.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.madbase.stack.Secrets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Each rendered file's key settings come from the spec, in both layouts. */
class RenderedConfigTest {
  static final Secrets SECRETS = Secrets.generate();

  static final String CUSTOM =
      """
      name: shop
      local:
        subnet: 127.0.7
      etcd:
        members: 5
        client_port: 12379
      postgres:
        nodes: 2
        rest_port: 18008
        max_connections: 300
        failsafe_mode: true
      haproxy:
        primary_port: 15433
        replicas_port: 15434
        maxconn: 2000
        server_maxconn: 250
      sentinel:
        count: 5
        quorum: 3
      failover:
        profile: patroni-defaults
        patroni:
          ttl: 40
        haproxy:
          inter: 4s
          fall: 4
        sentinel:
          down_after: 3s
      """;

  @Test
  void localFileSetIsComplete() {
    Map<String, RenderedFile> f = render("", RenderTarget.LOCAL, SECRETS);
    assertThat(f.keySet())
        .containsExactlyInAnyOrder(
            "etcd/e1.env",
            "etcd/e2.env",
            "etcd/e3.env",
            "patroni/pg1.yml",
            "patroni/pg2.yml",
            "patroni/pg3.yml",
            "haproxy/haproxy.cfg",
            "redis/r1.conf",
            "redis/r2.conf",
            "redis/r3.conf",
            "sentinel/s1.conf",
            "sentinel/s2.conf",
            "sentinel/s3.conf",
            "gateway/gw1.env",
            "gateway/workers.list");
  }

  @Test
  void haproxyListenersChecksAndLimitsComeFromTheSpec() {
    String cfg = render(CUSTOM, RenderTarget.LOCAL, SECRETS).get("haproxy/haproxy.cfg").content();
    assertThat(cfg).contains("maxconn 2000");
    assertThat(cfg).contains("bind 127.0.7.10:15433").contains("bind 127.0.7.10:15434");
    assertThat(cfg).contains("option httpchk GET /primary").contains("option httpchk GET /replica");
    assertThat(cfg).contains("balance roundrobin");
    assertThat(cfg)
        .contains(
            "default-server inter 4s fastinter 3s downinter 3s fall 4 rise 2 on-marked-down shutdown-sessions");
    assertThat(cfg).contains("server pg1 127.0.7.1:5432 maxconn 250 check port 18008");
    assertThat(cfg).contains("server pg2 127.0.7.2:5432 maxconn 250 check port 18008");
    assertThat(cfg).doesNotContain("pg3");
    assertThat(cfg.lines().filter(l -> l.strip().startsWith("server ")).count()).isEqualTo(4);
  }

  @Test
  void patroniYamlHasTheSpecsTimingAddressesAndEtcd3() {
    Map<String, RenderedFile> f = render(CUSTOM, RenderTarget.LOCAL, SECRETS);
    RenderedFile pg2 = f.get("patroni/pg2.yml");
    assertThat(pg2.secret()).isTrue();
    JsonNode y = yaml(pg2);
    assertThat(y.path("scope").asText()).isEqualTo("shop");
    assertThat(y.path("name").asText()).isEqualTo("pg2");
    assertThat(y.path("restapi").path("listen").asText()).isEqualTo("127.0.7.2:18008");
    assertThat(y.has("etcd")).isFalse();
    assertThat(y.path("etcd3").path("hosts").asText())
        .isEqualTo(
            "127.0.7.11:12379,127.0.7.12:12379,127.0.7.13:12379,127.0.7.14:12379,127.0.7.15:12379");
    JsonNode dcs = y.path("bootstrap").path("dcs");
    assertThat(dcs.path("ttl").asInt()).isEqualTo(40);
    assertThat(dcs.path("loop_wait").asInt()).isEqualTo(10);
    assertThat(dcs.path("retry_timeout").asInt()).isEqualTo(10);
    assertThat(dcs.path("failsafe_mode").asBoolean()).isTrue();
    assertThat(
            yaml(render("", RenderTarget.LOCAL, SECRETS).get("patroni/pg1.yml"))
                .path("bootstrap")
                .path("dcs")
                .path("failsafe_mode")
                .isBoolean())
        .as("failsafe_mode rendered as a YAML boolean by default too")
        .isTrue();
    assertThat(dcs.path("postgresql").path("parameters").path("max_connections").asInt())
        .isEqualTo(300);
    JsonNode pg = y.path("postgresql");
    assertThat(pg.path("listen").asText()).isEqualTo("127.0.7.2:5432");
    assertThat(pg.path("data_dir").asText()).isEqualTo("/srv/madbase-state/pgdata/pg2");
    assertThat(pg.path("parameters").path("unix_socket_directories").asText())
        .isEqualTo("/srv/madbase-state/pgsock/pg2");
    assertThat(pg.path("authentication").path("superuser").path("password").asText())
        .isEqualTo(SECRETS.superuser().reveal());
    assertThat(pg.path("authentication").path("replication").path("password").asText())
        .isEqualTo(SECRETS.replication().reveal());
    assertThat(StreamSupport.stream(pg.path("pg_hba").spliterator(), false).map(JsonNode::asText))
        .contains("host replication replicator 127.0.0.0/8 scram-sha-256");
  }

  @Test
  void patroniDataSafetySettingsComeFromTheSpecAsPatroniSpellsThem() {
    JsonNode byDefault =
        yaml(render("", RenderTarget.LOCAL, SECRETS).get("patroni/pg1.yml"))
            .path("bootstrap")
            .path("dcs");
    assertThat(byDefault.path("synchronous_mode").isBoolean()).isTrue();
    assertThat(byDefault.path("synchronous_mode").asBoolean()).isFalse();
    assertThat(byDefault.path("synchronous_mode_strict").asBoolean(true)).isFalse();
    assertThat(byDefault.path("maximum_lag_on_failover").asLong()).isEqualTo(1_048_576L);

    JsonNode on =
        yaml(render("postgres:\n  synchronous_mode: on\n", RenderTarget.LOCAL, SECRETS)
                .get("patroni/pg2.yml"))
            .path("bootstrap")
            .path("dcs");
    assertThat(on.path("synchronous_mode").asBoolean()).isTrue();
    assertThat(on.path("synchronous_mode_strict").asBoolean(true)).isFalse();

    JsonNode strict =
        yaml(render(
                    "postgres:\n  synchronous_mode: strict\n  maximum_lag_on_failover: 0\n",
                    RenderTarget.COMPOSE,
                    SECRETS)
                .get("patroni/pg3.yml"))
            .path("bootstrap")
            .path("dcs");
    assertThat(strict.path("synchronous_mode").asBoolean()).isTrue();
    assertThat(strict.path("synchronous_mode_strict").asBoolean()).isTrue();
    assertThat(strict.path("maximum_lag_on_failover").isNumber()).isTrue();
    assertThat(strict.path("maximum_lag_on_failover").asLong(-1)).isZero();
  }

  @Test
  void patroniRestApiWantsTheStacksPasswordOnEveryNode() {
    for (RenderTarget target : RenderTarget.values()) {
      Map<String, RenderedFile> f = render("", target, SECRETS);
      for (String node : List.of("patroni/pg1.yml", "patroni/pg3.yml")) {
        JsonNode auth = yaml(f.get(node)).path("restapi").path("authentication");
        assertThat(auth.path("username").asText()).as("%s %s", target, node).isEqualTo("madbase");
        assertThat(auth.path("password").asText())
            .as("%s %s", target, node)
            .isEqualTo(SECRETS.patroniApi().reveal());
      }
    }
  }

  @Test
  void redisMinReplicasToWriteIsOnEveryNodeSoAPromotedReplicaKeepsIt() {
    Map<String, RenderedFile> byDefault = render("", RenderTarget.LOCAL, SECRETS);
    assertThat(byDefault.get("redis/r1.conf").content())
        .contains("\nmin-replicas-to-write 0\n")
        .contains("\nmin-replicas-max-lag 10\n");
    Map<String, RenderedFile> f =
        render(
            "redis:\n  min_replicas_to_write: 1\n  min_replicas_max_lag: 2s\n",
            RenderTarget.LOCAL,
            SECRETS);
    for (String node : List.of("redis/r1.conf", "redis/r2.conf", "redis/r3.conf")) {
      assertThat(f.get(node).content())
          .as(node)
          .contains("\nmin-replicas-to-write 1\n")
          .contains("\nmin-replicas-max-lag 2\n");
    }
  }

  @Test
  void sentinelQuorumAndDownAfterComeFromTheSpec() {
    Map<String, RenderedFile> f = render(CUSTOM, RenderTarget.LOCAL, SECRETS);
    assertThat(f.keySet()).contains("sentinel/s5.conf");
    String s3 = f.get("sentinel/s3.conf").content();
    assertThat(s3).contains("sentinel monitor mymaster 127.0.7.21 6379 3");
    assertThat(s3).contains("sentinel down-after-milliseconds mymaster 3000");
    assertThat(s3).contains("sentinel failover-timeout mymaster 180000");
    assertThat(s3).contains("sentinel announce-ip 127.0.7.33").contains("bind 127.0.7.33");
    assertThat(s3).contains("sentinel auth-pass mymaster " + SECRETS.redis().reveal());
  }

  @Test
  void onlyRedisReplicasReplicateAndEveryNodeAnnouncesItsOwnAddress() {
    Map<String, RenderedFile> f = render("", RenderTarget.LOCAL, SECRETS);
    assertThat(f.get("redis/r1.conf").content().lines()).noneMatch(l -> l.startsWith("replicaof"));
    assertThat(f.get("redis/r1.conf").content()).contains("replica-announce-ip 127.0.1.21");
    assertThat(f.get("redis/r2.conf").content())
        .contains("replicaof 127.0.1.21 6379")
        .contains("replica-announce-ip 127.0.1.22");
    assertThat(f.get("redis/r3.conf").content()).contains("replicaof 127.0.1.21 6379");
    assertThat(f.get("redis/r3.conf").content())
        .contains("requirepass " + SECRETS.redis().reveal());
  }

  @Test
  void etcdMembersFormOneClusterWithTheirOwnUrls() {
    Map<String, RenderedFile> f = render(CUSTOM, RenderTarget.LOCAL, SECRETS);
    Map<String, String> e4 = env(f.get("etcd/e4.env"));
    assertThat(e4.get("ETCD_NAME")).isEqualTo("e4");
    assertThat(e4.get("ETCD_LISTEN_CLIENT_URLS")).isEqualTo("http://127.0.7.14:12379");
    assertThat(e4.get("ETCD_INITIAL_CLUSTER").split(","))
        .hasSize(5)
        .contains("e4=http://127.0.7.14:2380");
    assertThat(e4.get("ETCD_INITIAL_CLUSTER_TOKEN")).isEqualTo("shop-etcd");
  }

  @Test
  void gatewayPointsAtHaproxyAndTheSentinels() {
    Map<String, String> gw = env(render("", RenderTarget.LOCAL, SECRETS).get("gateway/gw1.env"));
    assertThat(gw.get("DATABASE_URL")).endsWith("@127.0.1.10:5433/madbase");
    assertThat(gw.get("READ_REPLICA_URL")).endsWith("@127.0.1.10:5434/madbase");
    assertThat(gw.get("REDIS_URL"))
        .startsWith("redis-sentinel://")
        .endsWith("@127.0.1.31:26379,127.0.1.32:26379,127.0.1.33:26379/0#mymaster");
    assertThat(gw.get("WORKER_DISCOVERY_FILE")).isEqualTo("/srv/madbase-state/workers.list");
    assertThat(gw.get("PORT")).isEqualTo("8080");
  }

  @Test
  void composeProjectHasAServicePerMemberAndNoPasswords() {
    Map<String, RenderedFile> f = render("", RenderTarget.COMPOSE, SECRETS);
    RenderedFile compose = f.get("docker-compose.yml");
    assertThat(compose.secret()).isFalse();
    JsonNode services = yaml(compose).path("services");
    List<String> names = iterable(services.fieldNames());
    assertThat(names)
        .containsExactlyInAnyOrder(
            "e1", "e2", "e3", "pg1", "pg2", "pg3", "haproxy", "r1", "r2", "r3", "s1", "s2", "s3",
            "gw1", "w1", "w2");
    // madbase's own connections go to ports published on loopback only (HostPorts)
    assertThat(services.path("haproxy").path("ports").toString())
        .contains("127.0.0.1:15433:5433")
        .contains("127.0.0.1:15434:5434");
    services.forEach(
        svc -> {
          svc.path("ports").forEach(p -> assertThat(p.asText()).startsWith("127.0.0.1:"));
          // every image is built here from Debian's packages: nothing names a registry
          assertThat(svc.path("image").asText()).startsWith("madbase/");
          assertThat(svc.path("build").asText()).startsWith("./images/");
          assertThat(f).containsKey(svc.path("build").asText().substring(2) + "/Dockerfile");
        });
    assertThat(f.get("images/postgres/Dockerfile").content())
        .startsWith("# The same first layers")
        .contains("FROM debian:bookworm")
        .contains("useradd -r -u 999 -g postgres");
    // a 0600 secret is read as root and handed over before the member drops to its own user
    assertThat(services.path("pg1").path("volumes").toString())
        .contains("./patroni/pg1.yml:/conf/patroni.yml:ro");
    assertThat(services.path("pg1").path("command").toString())
        .contains("install -o postgres -g postgres -m 0600")
        .contains("setpriv --reuid=postgres");
    assertThat(services.path("pg1").path("init").asBoolean()).isTrue();
    assertThat(services.path("pg1").path("depends_on").path("e1").path("condition").asText())
        .isEqualTo("service_healthy");
    assertThat(f.get("patroni/bootstrap.sql").secret()).isTrue();
    assertThat(yaml(f.get("patroni/pg1.yml")).path("bootstrap").path("post_bootstrap").asText())
        .contains("psql");
    for (var secret :
        List.of(
            SECRETS.superuser(),
            SECRETS.replication(),
            SECRETS.rewind(),
            SECRETS.app(),
            SECRETS.redis())) {
      assertThat(compose.content()).doesNotContain(secret.reveal());
    }
    // containers reach each other by name
    assertThat(yaml(f.get("patroni/pg1.yml")).path("etcd3").path("hosts").asText())
        .isEqualTo("e1:2379,e2:2379,e3:2379");
    assertThat(f.get("sentinel/s1.conf").content())
        .contains("sentinel resolve-hostnames yes")
        .contains("sentinel monitor mymaster r1 6379 2");
  }

  @Test
  void filesHoldingPasswordsAreMarkedSecretAndNoOtherFileHoldsOne() {
    for (RenderTarget target : RenderTarget.values()) {
      for (RenderedFile file : render("", target, SECRETS).values()) {
        boolean holdsOne =
            SECRETS.all().stream().anyMatch(s -> file.content().contains(s.reveal()));
        assertThat(file.secret()).as("%s %s", target, file.path()).isEqualTo(holdsOne);
      }
    }
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> l = new java.util.ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }

  @Test
  void twoGatewaysGetAnHttpListenerInHaproxyThatRetriesARefusedRequestOnTheOther() {
    String one = render("", RenderTarget.LOCAL, SECRETS).get("haproxy/haproxy.cfg").content();
    assertThat(one).doesNotContain("listen gateways");
    // one gateway has nobody to hand its clients to: it closes its listener at once on SIGTERM
    assertThat(render("", RenderTarget.LOCAL, SECRETS).get("gateway/gw1.env").content())
        .contains("DRAIN_DELAY=0s");
    // two: /health fails and HAProxy takes it out first (inter 1s + fall 2 x fastinter 500ms + 1s)
    assertThat(
            render("gateway:\n  instances: 2\n", RenderTarget.LOCAL, SECRETS)
                .get("gateway/gw2.env")
                .content())
        .contains("DRAIN_DELAY=3s");
    String two =
        render("local:\n  subnet: 127.0.7\ngateway:\n  instances: 2\n", RenderTarget.LOCAL, SECRETS)
            .get("haproxy/haproxy.cfg")
            .content();
    assertThat(two)
        .contains("listen gateways\n    mode http\n    bind 127.0.7.10:8080\n")
        .contains("option httpchk GET /health")
        .contains("option http-server-close")
        .contains("retry-on conn-failure empty-response")
        .contains(
            "http-request disable-l7-retry if { method POST PATCH } !{ req.hdr(idempotency-key) -m"
                + " found }")
        .contains("option redispatch 1")
        .contains("    server gw1 127.0.7.41:8080 check\n    server gw2 127.0.7.42:8080 check\n");
    JsonNode compose =
        yaml(
            render("gateway:\n  instances: 2\n", RenderTarget.COMPOSE, SECRETS)
                .get("docker-compose.yml"));
    assertThat(compose.path("services").path("haproxy").path("ports").toString())
        .contains("127.0.0.1:15436:8080");
  }
}
