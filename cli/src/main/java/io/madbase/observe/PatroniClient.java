package io.madbase.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.stack.Secret;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.SynchronousMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Patroni's REST API on one node: its own state, the cluster, switchover, config. The stack's
 * Patroni wants a password for its unsafe endpoints (switchover, {@code PATCH /config}); the
 * read-only ones are open.
 */
public final class PatroniClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final Duration timeout;
  private final Optional<String> authorization;

  /** A client for the read-only endpoints: switchover and PATCH /config answer 401 without auth. */
  public PatroniClient(String host, int port, Duration timeout) {
    this(host, port, timeout, null);
  }

  /**
   * A client that authenticates as {@link Secrets#PATRONI_API_USER} with {@code password} (null: no
   * authentication) on the unsafe endpoints.
   */
  public PatroniClient(String host, int port, Duration timeout, Secret password) {
    this.baseUrl = "http://" + host + ":" + port;
    this.timeout = timeout;
    this.authorization =
        Optional.ofNullable(password)
            .map(
                p ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (Secrets.PATRONI_API_USER + ":" + p.reveal())
                                    .getBytes(StandardCharsets.UTF_8)));
  }

  /** One replica as the leader sees it in {@code GET /patroni}. */
  public record Replication(String name, String clientAddr, String state, String syncState) {}

  /**
   * A node's own view ({@code GET /patroni}).
   *
   * @param role primary (Patroni 3 says "master" on the wire) or replica
   * @param state running, starting, stopped, ...
   */
  public record NodeState(
      String role, String state, long timeline, List<Replication> replication, long xlogLocation) {
    public boolean leader() {
      return "master".equals(role) || "primary".equals(role);
    }

    public long streamingReplicas() {
      return replication.stream().filter(r -> "streaming".equals(r.state())).count();
    }
  }

  /** One member in {@code GET /cluster}. */
  public record ClusterMember(
      String name,
      String role,
      String state,
      String host,
      int port,
      Long lagBytes,
      Integer timeline) {}

  public Optional<NodeState> node() {
    return Http.get(baseUrl + "/patroni", timeout)
        .flatMap(
            r -> {
              // Patroni answers 503 with the same body on a replica or a stopped node
              JsonNode n = parse(r.body());
              if (n == null || !n.has("role")) {
                return Optional.empty();
              }
              List<Replication> reps = new ArrayList<>();
              for (JsonNode x : n.path("replication")) {
                reps.add(
                    new Replication(
                        x.path("application_name").asText(),
                        x.path("client_addr").asText(),
                        x.path("state").asText(),
                        x.path("sync_state").asText()));
              }
              return Optional.of(
                  new NodeState(
                      n.path("role").asText(),
                      n.path("state").asText(),
                      n.path("timeline").asLong(0),
                      reps,
                      n.path("xlog")
                          .path("location")
                          .asLong(n.path("xlog").path("received_location").asLong(0))));
            });
  }

  public Optional<List<ClusterMember>> cluster() {
    return Http.get(baseUrl + "/cluster", timeout)
        .filter(Http.Response::ok)
        .map(r -> parse(r.body()))
        .filter(n -> n != null && n.has("members"))
        .map(
            n -> {
              List<ClusterMember> out = new ArrayList<>();
              for (JsonNode m : n.path("members")) {
                JsonNode lag = m.path("lag");
                out.add(
                    new ClusterMember(
                        m.path("name").asText(),
                        m.path("role").asText(),
                        m.path("state").asText(),
                        m.path("host").asText(),
                        m.path("port").asInt(),
                        lag.isNumber() ? lag.asLong() : null,
                        m.has("timeline") ? m.path("timeline").asInt() : null));
              }
              return out;
            });
  }

  /**
   * Patroni's dynamic configuration as the cluster runs with it: DCS timing in seconds, whether
   * failsafe mode is on (a leader cut off from the DCS stays primary while it reaches every
   * member), synchronous replication, and the lag a replica may have and still be promoted.
   */
  public record DcsTiming(
      int ttl,
      int loopWait,
      int retryTimeout,
      boolean failsafeMode,
      SynchronousMode synchronousMode,
      long maximumLagOnFailover) {}

  /**
   * {@code GET /config}: the dynamic configuration in the DCS. It can differ from what madbase
   * rendered: Patroni (4.0.7 here) raises a ttl below its minimum of 20 to 20 and stores that, and
   * an operator may have changed anything with {@code PATCH /config}. A key Patroni does not list
   * has Patroni's default.
   */
  public Optional<DcsTiming> dcsTiming() {
    return Http.get(baseUrl + "/config", timeout)
        .filter(Http.Response::ok)
        .map(r -> parse(r.body()))
        .filter(n -> n != null && n.path("ttl").isInt() && n.path("loop_wait").isInt())
        .map(
            n ->
                new DcsTiming(
                    n.path("ttl").asInt(),
                    n.path("loop_wait").asInt(),
                    n.path("retry_timeout").asInt(),
                    n.path("failsafe_mode").asBoolean(false),
                    SynchronousMode.fromPatroni(
                        n.path("synchronous_mode").asBoolean(false),
                        n.path("synchronous_mode_strict").asBoolean(false)),
                    n.path("maximum_lag_on_failover")
                        .asLong(StackSpec.Postgres.DEFAULT_MAXIMUM_LAG_ON_FAILOVER)));
  }

  /** {@code GET /primary}: 200 only on the leader; what HAProxy checks. */
  public boolean isPrimary() {
    return Http.get(baseUrl + "/primary", timeout).map(Http.Response::ok).orElse(false);
  }

  /** {@code POST /switchover}; returns Patroni's answer. */
  public Http.Response switchover(String leader, String candidate) {
    String body =
        "{\"leader\":\""
            + leader
            + "\""
            + (candidate == null ? "" : ",\"candidate\":\"" + candidate + "\"")
            + "}";
    return Http.post(baseUrl + "/switchover", body, Duration.ofSeconds(30), authorization)
        .orElse(new Http.Response(0, "no answer from " + baseUrl));
  }

  /** {@code PATCH /config}: changes DCS settings (ttl, loop_wait, ...) on a running cluster. */
  public Http.Response patchConfig(String json) {
    return Http.patch(baseUrl + "/config", json, timeout, authorization)
        .orElse(new Http.Response(0, "no answer from " + baseUrl));
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
