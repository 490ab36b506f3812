package io.madbase.gateway;

import io.madbase.common.Masking;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Redis is: a single node ({@code redis://[:password@]host:port[/db]}) or a Sentinel set
 * ({@code redis-sentinel://[password@]host:port,host:port,.../db#masterName}). In the Sentinel form
 * the password is for the Redis data nodes only: the Sentinels are asked without one.
 */
public sealed interface RedisTarget {
  Optional<String> password();

  int database();

  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  record Standalone(HostPort node, Optional<String> password, int database) implements RedisTarget {
    @Override
    public String toString() {
      return "redis://"
          + (password.isPresent() ? ":" + Masking.MASK + "@" : "")
          + node
          + "/"
          + database;
    }
  }

  record Sentinel(
      List<HostPort> sentinels, String masterName, Optional<String> password, int database)
      implements RedisTarget {
    @Override
    public String toString() {
      return "redis-sentinel://"
          + (password.isPresent() ? Masking.MASK + "@" : "")
          + String.join(",", sentinels.stream().map(HostPort::toString).toList())
          + "/"
          + database
          + "#"
          + masterName;
    }
  }

  /** Parses either form; the error says what is wrong (never echoing the password). */
  static RedisTarget parse(String text) {
    String s = text.trim();
    boolean sentinel;
    if (s.startsWith("redis-sentinel://")) {
      sentinel = true;
      s = s.substring("redis-sentinel://".length());
    } else if (s.startsWith("redis://")) {
      sentinel = false;
      s = s.substring("redis://".length());
    } else {
      throw new IllegalArgumentException("not a redis:// or redis-sentinel:// URL");
    }
    String master = null;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      master = s.substring(hash + 1);
      s = s.substring(0, hash);
    }
    Optional<String> password = Optional.empty();
    int at = s.lastIndexOf('@');
    if (at >= 0) {
      String info = s.substring(0, at);
      // redis://:password@ and redis-sentinel://password@ (and user:password@, the user ignored)
      String pw = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
      password =
          pw.isEmpty()
              ? Optional.empty()
              : Optional.of(URLDecoder.decode(pw, StandardCharsets.UTF_8));
      s = s.substring(at + 1);
    }
    int database = 0;
    int slash = s.indexOf('/');
    if (slash >= 0) {
      String db = s.substring(slash + 1);
      s = s.substring(0, slash);
      if (!db.isEmpty()) {
        try {
          database = Integer.parseInt(db);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "the database after '/' must be a number, not '" + db + "'");
        }
      }
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String hp : s.split(",")) {
      hosts.add(hostPort(hp, sentinel ? 26379 : 6379));
    }
    if (sentinel) {
      if (master == null || master.isBlank()) {
        throw new IllegalArgumentException(
            "a redis-sentinel:// URL needs the master name after '#' (…/0#mymaster)");
      }
      return new Sentinel(List.copyOf(hosts), master, password, database);
    }
    if (hosts.size() != 1) {
      throw new IllegalArgumentException(
          "a redis:// URL names one host; use redis-sentinel:// for several");
    }
    return new Standalone(hosts.get(0), password, database);
  }

  private static HostPort hostPort(String text, int defaultPort) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("empty host in the URL");
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new HostPort(text, defaultPort);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + text + "'");
    }
  }
}
