package io.madbase.gateway;

import io.madbase.common.Masking;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL URL as the platform writes it ({@code postgresql://user:password@host:port/db}),
 * turned into what JDBC wants. {@link #toString()} masks the password.
 */
public record DbUrl(String host, int port, String database, String user, String password) {

  /** Parses {@code postgresql://} or {@code postgres://}; the error says what is wrong. */
  public static DbUrl parse(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a postgresql:// URL");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a postgresql:// URL");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host in the URL");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.length() < 2) {
      throw new IllegalArgumentException(
          "no database name in the URL (postgresql://user:password@host:port/database)");
    }
    String user = "";
    String password = "";
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon >= 0 ? info.substring(0, colon) : info);
      password = colon >= 0 ? decode(info.substring(colon + 1)) : "";
    }
    return new DbUrl(
        uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        decode(path.substring(1)),
        user,
        password);
  }

  /** This URL with another's credentials where it has none (tenant URLs may omit them). */
  public DbUrl withCredentialsFrom(DbUrl other) {
    return user.isEmpty() ? new DbUrl(host, port, database, other.user, other.password) : this;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public Optional<String> userName() {
    return user.isEmpty() ? Optional.empty() : Optional.of(user);
  }

  @Override
  public String toString() {
    return "postgresql://"
        + (user.isEmpty() ? "" : user + ":" + Masking.MASK + "@")
        + host
        + ":"
        + port
        + "/"
        + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
