package io.madbase.observe;

import java.util.Properties;

/**
 * JDBC properties for madbase's own connections to PostgreSQL: every call bounded (a node that
 * hangs costs a timeout, never a stuck command) and named in {@code pg_stat_activity}.
 */
public final class PgConnect {
  private PgConnect() {}

  public static Properties properties(
      String user,
      String password,
      String applicationName,
      int connectTimeoutSeconds,
      int socketTimeoutSeconds) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
    p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    p.setProperty("ApplicationName", applicationName);
    return p;
  }
}
