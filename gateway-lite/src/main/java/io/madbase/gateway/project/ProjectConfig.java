package io.madbase.gateway.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A project (tenant) as the gateway sees it. {@code dbUrl} empty: the project's data lives in the
 * gateway's own database (shared primary and replica pools); set: the project has a database of its
 * own, reached through a tenant pool. {@code rateLimitPerMinute} 0 means unlimited.
 */
public record ProjectConfig(
    String ref, Optional<String> dbUrl, int maxRows, int rateLimitPerMinute, boolean enabled) {

  /** The JSON shape used by the control plane and the Redis cache. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("ref", ref);
    n.put("db_url", dbUrl.orElse(null));
    n.put("max_rows", maxRows);
    n.put("rate_limit_per_minute", rateLimitPerMinute);
    n.put("enabled", enabled);
    return n;
  }

  public static ProjectConfig fromJson(JsonNode n) {
    String ref = n.path("ref").asText("");
    if (ref.isEmpty()) {
      throw new IllegalArgumentException("a project config needs \"ref\"");
    }
    JsonNode db = n.path("db_url");
    return new ProjectConfig(
        ref,
        db.isTextual() && !db.asText().isBlank() ? Optional.of(db.asText()) : Optional.empty(),
        n.path("max_rows").asInt(1000),
        n.path("rate_limit_per_minute").asInt(0),
        n.path("enabled").asBoolean(true));
  }
}
