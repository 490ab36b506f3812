package io.madbase.gateway;

import io.madbase.common.Durations;
import io.madbase.common.Masking;
import io.madbase.common.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The gateway's whole configuration, validated in one step: {@link #fromEnv} reports every problem
 * at once, each naming its variable (or flag), and never echoes a password.
 */
public record GatewayConfig(
    String bindHost,
    int port,
    String name,
    DbUrl databaseUrl,
    Optional<DbUrl> readReplicaUrl,
    Optional<RedisTarget> redis,
    WorkerSource workers,
    Duration workerDiscoveryInterval,
    Optional<URI> controlPlaneUrl,
    Optional<TlsFiles> tls,
    Duration shutdownGrace,
    Duration drainDelay,
    Duration holdDeadline,
    int holdMax,
    Duration projectConfigTtl,
    int tenantPoolMaxSize,
    Duration tenantPoolIdle,
    int dbPoolSize) {

  /**
   * The largest PEM file the gateway reads: a certificate chain with its CAs is a few KB; a device
   * or a huge file given by mistake is refused at start rather than read into memory.
   */
  public static final long MAX_PEM_BYTES = 1024 * 1024;

  /** PEM files for built-in HTTPS. */
  public record TlsFiles(Path certificate, Path privateKey) {}

  /** Reads the platform's environment variables (see {@link Setting}). */
  public static GatewayConfig fromEnv(Map<String, String> env) {
    return from(env, Setting::env);
  }

  /**
   * Reads {@code values} keyed by environment variable name; {@code label} names a setting in error
   * messages (the variable, or the flag when the value came from one).
   */
  public static GatewayConfig from(Map<String, String> values, Function<Setting, String> label) {
    return new Reader(values, label).read();
  }

  /** A copy listening on another port (tests start on 0). */
  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(
        bindHost,
        newPort,
        name,
        databaseUrl,
        readReplicaUrl,
        redis,
        workers,
        workerDiscoveryInterval,
        controlPlaneUrl,
        tls,
        shutdownGrace,
        drainDelay,
        holdDeadline,
        holdMax,
        projectConfigTtl,
        tenantPoolMaxSize,
        tenantPoolIdle,
        dbPoolSize);
  }

  private static final class Reader {
    private final Map<String, String> values;
    private final Function<Setting, String> label;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> values, Function<Setting, String> label) {
      this.values = values;
      this.label = label;
    }

    GatewayConfig read() {
      int port = integer(Setting.PORT, 0, 65535);
      String bind = text(Setting.BIND_HOST).orElse("0.0.0.0");
      String name = text(Setting.GATEWAY_NAME).orElse("gateway-lite");
      DbUrl db = parsed(Setting.DATABASE_URL, DbUrl::parse).orElse(null);
      if (db == null && text(Setting.DATABASE_URL).isEmpty()) {
        problem(Setting.DATABASE_URL, "required (postgresql://user:password@host:port/database)");
      }
      Optional<DbUrl> replica = parsed(Setting.READ_REPLICA_URL, DbUrl::parse);
      Optional<RedisTarget> redis = parsed(Setting.REDIS_URL, RedisTarget::parse);
      Optional<URI> controlPlane = parsed(Setting.CONTROL_PLANE_URL, Reader::httpUrl);
      WorkerSource workers = workers(controlPlane);
      Duration interval = duration(Setting.WORKER_DISCOVERY_INTERVAL);
      Optional<TlsFiles> tls = tls();
      Duration grace = duration(Setting.SHUTDOWN_GRACE);
      Duration drain = duration(Setting.DRAIN_DELAY);
      Duration hold = duration(Setting.HOLD_DEADLINE);
      int holdMax = integer(Setting.HOLD_MAX, 1, 100_000);
      Duration ttl = duration(Setting.PROJECT_CONFIG_TTL);
      int tenantMax = integer(Setting.TENANT_POOL_MAX, 1, 10_000);
      Duration tenantIdle = duration(Setting.TENANT_POOL_IDLE);
      int poolSize = integer(Setting.DB_POOL_SIZE, 1, 500);
      if (interval != null && interval.isZero()) {
        problem(Setting.WORKER_DISCOVERY_INTERVAL, "must be more than 0");
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return new GatewayConfig(
          bind,
          port,
          name,
          db,
          replica,
          redis,
          workers,
          interval,
          controlPlane,
          tls,
          grace,
          drain,
          hold,
          holdMax,
          ttl,
          tenantMax,
          tenantIdle,
          poolSize);
    }

    private WorkerSource workers(Optional<URI> controlPlane) {
      Optional<String> urls = text(Setting.WORKER_UPSTREAM_URLS);
      Optional<String> file = text(Setting.WORKER_DISCOVERY_FILE);
      if (urls.isPresent() && file.isPresent()) {
        problem(
            Setting.WORKER_UPSTREAM_URLS,
            "set either it or " + label.apply(Setting.WORKER_DISCOVERY_FILE) + ", not both");
        return new WorkerSource.None();
      }
      if (urls.isPresent()) {
        List<URI> list = new ArrayList<>();
        for (String u : urls.get().split(",")) {
          if (!u.isBlank()) {
            try {
              list.add(httpUrl(u.trim()));
            } catch (IllegalArgumentException e) {
              problem(
                  Setting.WORKER_UPSTREAM_URLS,
                  "'" + Masking.mask(u.trim()) + "': " + e.getMessage());
            }
          }
        }
        return new WorkerSource.Static(List.copyOf(list));
      }
      if (file.isPresent()) {
        return new WorkerSource.File(Path.of(file.get()));
      }
      return controlPlane
          .<WorkerSource>map(WorkerSource.ControlPlane::new)
          .orElse(new WorkerSource.None());
    }

    private Optional<TlsFiles> tls() {
      Optional<String> cert = text(Setting.TLS_CERT);
      Optional<String> key = text(Setting.TLS_KEY);
      if (cert.isPresent() != key.isPresent()) {
        Setting missing = cert.isPresent() ? Setting.TLS_KEY : Setting.TLS_CERT;
        problem(
            missing,
            "required when "
                + label.apply(cert.isPresent() ? Setting.TLS_CERT : Setting.TLS_KEY)
                + " is set");
        return Optional.empty();
      }
      if (cert.isEmpty()) {
        return Optional.empty();
      }
      readable(Setting.TLS_CERT, cert.get());
      readable(Setting.TLS_KEY, key.get());
      return Optional.of(new TlsFiles(Path.of(cert.get()), Path.of(key.get())));
    }

    private void readable(Setting s, String path) {
      Path p = Path.of(path);
      if (path.isEmpty()) {
        problem(s, "the file name is empty ('')");
      } else if (Files.isDirectory(p)) {
        problem(s, path + " is a directory, not a file");
      } else if (Files.exists(p) && !Files.isRegularFile(p)) {
        problem(s, path + " is not a regular file (a device, pipe or socket)");
      } else if (!Files.isReadable(p)) {
        problem(s, "cannot read " + path);
      } else {
        try {
          long size = Files.size(p);
          if (size > MAX_PEM_BYTES) {
            problem(
                s,
                path
                    + " is "
                    + size
                    + " bytes; a PEM certificate chain or key is a few KB (at most "
                    + MAX_PEM_BYTES / 1024
                    + " KiB here)");
          }
        } catch (java.io.IOException e) {
          problem(s, "cannot read " + path);
        }
      }
    }

    static URI httpUrl(String text) {
      try {
        URI uri = new URI(text.trim());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http:// or https:// URL");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not an http:// or https:// URL");
      }
    }

    private Optional<String> text(Setting s) {
      String v = values.get(s.env());
      if (v == null || v.isBlank()) {
        v = s.defaultValue();
      }
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private <T> Optional<T> parsed(Setting s, Function<String, T> parser) {
      Optional<String> v = text(s);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(parser.apply(v.get()));
      } catch (IllegalArgumentException e) {
        problem(s, e.getMessage());
        return Optional.empty();
      }
    }

    private Duration duration(Setting s) {
      String v = text(s).orElseThrow();
      Optional<Duration> d = Durations.parse(v);
      if (d.isEmpty()) {
        problem(s, "'" + v + "' is not " + Durations.EXPECTED);
        return null;
      }
      return d.get();
    }

    private int integer(Setting s, int min, int max) {
      String v = text(s).orElseThrow();
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          problem(s, n + " is out of range " + min + ".." + max);
        }
        return n;
      } catch (NumberFormatException e) {
        problem(s, "'" + v + "' is not a whole number");
        return min;
      }
    }

    private void problem(Setting s, String message) {
      problems.add(label.apply(s) + ": " + message);
    }
  }
}
