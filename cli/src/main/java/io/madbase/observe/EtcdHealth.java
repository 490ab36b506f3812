package io.madbase.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** One etcd member's health and raft view, over its client URL (HTTP, v3 JSON gateway). */
public final class EtcdHealth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final Duration timeout;

  public EtcdHealth(String host, int clientPort, Duration timeout) {
    this.base = "http://" + host + ":" + clientPort;
    this.timeout = timeout;
  }

  /** {@code GET /health}: true when the member is part of a cluster with a leader. */
  public boolean healthy() {
    return Http.get(base + "/health", timeout)
        .filter(Http.Response::ok)
        .map(r -> r.body().contains("\"health\":\"true\""))
        .orElse(false);
  }

  /**
   * The member's status: its id and the leader's id ({@code /v3/maintenance/status}).
   *
   * @param memberId this member's raft id
   * @param leaderId the leader's raft id (equal to memberId on the leader)
   */
  public record Status(String memberId, String leaderId, long raftTerm) {
    public boolean leader() {
      return memberId.equals(leaderId);
    }
  }

  public Optional<Status> status() {
    return Http.post(base + "/v3/maintenance/status", "{}", timeout)
        .filter(Http.Response::ok)
        .flatMap(
            r -> {
              try {
                JsonNode n = JSON.readTree(r.body());
                return Optional.of(
                    new Status(
                        n.path("header").path("member_id").asText(),
                        n.path("leader").asText(),
                        n.path("raftTerm").asLong(n.path("header").path("raft_term").asLong())));
              } catch (IOException e) {
                return Optional.empty();
              }
            });
  }
}
