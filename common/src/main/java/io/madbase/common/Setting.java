package io.madbase.common;

/**
 * Every setting of the gateway: its environment variable (the platform's names), the flag that
 * overrides it, and its default ({@code null}: none). docs/gateway.md lists the same table.
 */
public enum Setting {
  PORT("PORT", "--port", "8080"),
  BIND_HOST("BIND_HOST", "--bind", "0.0.0.0"),
  GATEWAY_NAME("GATEWAY_NAME", "--name", "gateway-lite"),
  DATABASE_URL("DATABASE_URL", "--database-url", null),
  READ_REPLICA_URL("READ_REPLICA_URL", "--read-replica-url", null),
  REDIS_URL("REDIS_URL", "--redis-url", null),
  WORKER_UPSTREAM_URLS("WORKER_UPSTREAM_URLS", "--worker-upstream-urls", null),
  WORKER_DISCOVERY_FILE("WORKER_DISCOVERY_FILE", "--worker-discovery-file", null),
  WORKER_DISCOVERY_INTERVAL("WORKER_DISCOVERY_INTERVAL", "--worker-discovery-interval", "30s"),
  CONTROL_PLANE_URL("CONTROL_PLANE_URL", "--control-plane-url", null),
  TLS_CERT("TLS_CERT", "--tls-cert", null),
  TLS_KEY("TLS_KEY", "--tls-key", null),
  SHUTDOWN_GRACE("SHUTDOWN_GRACE", "--shutdown-grace", "10s"),
  DRAIN_DELAY("DRAIN_DELAY", "--drain-delay", "0s"),
  HOLD_DEADLINE("HOLD_DEADLINE", "--hold-deadline", "20s"),
  HOLD_MAX("HOLD_MAX", "--hold-max", "2000"),
  PROJECT_CONFIG_TTL("PROJECT_CONFIG_TTL", "--project-config-ttl", "60s"),
  TENANT_POOL_MAX("TENANT_POOL_MAX", "--tenant-pool-max", "100"),
  TENANT_POOL_IDLE("TENANT_POOL_IDLE", "--tenant-pool-idle", "300s"),
  DB_POOL_SIZE("DB_POOL_SIZE", "--db-pool-size", "10");

  /**
   * Connections in each tenant's pool: fixed, not a setting (the pool-leak check counts them as a
   * gateway opens them).
   */
  public static final int TENANT_POOL_SIZE = 5;

  private final String env;
  private final String flag;
  private final String defaultValue;

  Setting(String env, String flag, String defaultValue) {
    this.env = env;
    this.flag = flag;
    this.defaultValue = defaultValue;
  }

  public String env() {
    return env;
  }

  public String flag() {
    return flag;
  }

  public String defaultValue() {
    return defaultValue;
  }
}
