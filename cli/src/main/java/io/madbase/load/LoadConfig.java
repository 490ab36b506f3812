package io.madbase.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One load run: where, what, how fast, over how many connections, for how long.
 *
 * @param target scheme, host and port of the server ({@code http://127.0.1.41:8080}); its path is
 *     ignored
 * @param workload the requests
 * @param rate requests per second, scheduled at fixed intervals whatever the server does
 * @param connections connections opened before the run and held through it
 * @param duration how long the measured part runs; null: until {@link RunningLoad#stop()} (at most
 *     {@link #UNBOUNDED_LIMIT})
 * @param warmup a first part at the same rate that is not counted in the totals
 * @param timeout a request with no complete response this long after it was handed to the client
 *     fails ({@code timeout})
 * @param connectTimeout how long opening one connection may take
 * @param maxQueue requests that may wait for a free connection; beyond it a request is not sent
 *     ({@code queue_full}); 0: rate x timeout
 * @param lateAfter a request that starts going out on a connection later than this after its
 *     intended time counts as late; null: one interval, at least 1 ms
 * @param threads scheduler threads (each sends every n-th request)
 * @param headers sent with every request
 */
public record LoadConfig(
    URI target,
    Workload workload,
    double rate,
    int connections,
    Duration duration,
    Duration warmup,
    Duration timeout,
    Duration connectTimeout,
    int maxQueue,
    Duration lateAfter,
    int threads,
    Map<String, String> headers) {

  public static final double DEFAULT_RATE = 100;
  public static final int DEFAULT_CONNECTIONS = 50;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The highest --rate the generator takes. */
  public static final double MAX_RATE = 1_000_000;

  /** The most connections the generator holds. */
  public static final int MAX_CONNECTIONS = 60_000;

  /** A run without a duration still ends: loops here are bounded in time. */
  public static final Duration UNBOUNDED_LIMIT = Duration.ofHours(1);

  /** The header every gateway request carries (docs/gateway.md, tenancy). */
  public static final String PROJECT_HEADER = "X-Project-Ref";

  public LoadConfig {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(workload, "workload");
    warmup = Objects.requireNonNullElse(warmup, Duration.ZERO);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    connectTimeout = Objects.requireNonNullElse(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    headers = Map.copyOf(Objects.requireNonNullElse(headers, Map.of()));
  }

  /** The defaults of {@code madbase loadtest}, aimed at {@code target} with {@code workload}. */
  public static LoadConfig defaults(URI target, Workload workload) {
    return builder(target, workload).build();
  }

  /** A builder starting from the defaults of {@code madbase loadtest}. */
  public static Builder builder(URI target, Workload workload) {
    return new Builder(target, workload);
  }

  /** The config with some values changed; unset ones keep the defaults. */
  public static final class Builder {
    private URI target;
    private final Workload workload;
    private double rate = DEFAULT_RATE;
    private int connections = DEFAULT_CONNECTIONS;
    private Duration duration = DEFAULT_DURATION;
    private Duration warmup = DEFAULT_WARMUP;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxQueue;
    private Duration lateAfter;
    private int threads = 1;
    private Map<String, String> headers = Map.of(PROJECT_HEADER, "default");

    private Builder(URI target, Workload workload) {
      this.target = target;
      this.workload = workload;
    }

    /** Another server (scheme, host, port). */
    public Builder target(URI v) {
      target = v;
      return this;
    }

    public Builder rate(double v) {
      rate = v;
      return this;
    }

    public Builder connections(int v) {
      connections = v;
      return this;
    }

    /** {@code null}: run until {@link RunningLoad#stop()}. */
    public Builder duration(Duration v) {
      duration = v;
      return this;
    }

    public Builder warmup(Duration v) {
      warmup = v;
      return this;
    }

    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder maxQueue(int v) {
      maxQueue = v;
      return this;
    }

    public Builder lateAfter(Duration v) {
      lateAfter = v;
      return this;
    }

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /** Replaces the default headers ({@code X-Project-Ref: default}). */
    public Builder headers(Map<String, String> v) {
      headers = v;
      return this;
    }

    public LoadConfig build() {
      return new LoadConfig(
          target,
          workload,
          rate,
          connections,
          duration,
          warmup,
          timeout,
          connectTimeout,
          maxQueue,
          lateAfter,
          threads,
          headers);
    }
  }

  /** Nanoseconds between two intended send times. */
  public double intervalNanos() {
    return 1e9 / rate;
  }

  /** The late threshold in force: as given, else one interval but at least 1 ms. */
  public Duration lateAfterOrDefault() {
    return lateAfter != null
        ? lateAfter
        : Duration.ofNanos(Math.max(1_000_000L, (long) Math.ceil(intervalNanos())));
  }

  /**
   * The request queue in force: as given, else enough for {@code timeout} worth of requests (at
   * least 1024).
   */
  public int maxQueueOrDefault() {
    if (maxQueue > 0) {
      return maxQueue;
    }
    double perTimeout = rate * timeout.toMillis() / 1000.0;
    return (int) Math.min(1_000_000, Math.max(1024, Math.ceil(perTimeout)));
  }

  /** Every problem at once, each naming the flag it comes from; empty when the config is sound. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      p.add("--url must be an http:// or https:// URL (got " + target + ")");
    } else if (target.getHost() == null) {
      p.add("--url has no host (got " + target + ")");
    }
    if (workload instanceof Workload.Get g) {
      try {
        URI.create("http://host" + g.path());
      } catch (IllegalArgumentException e) {
        p.add("--path is not a valid path and query (" + e.getMessage() + ")");
      }
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      p.add("--rate must be > 0 (got " + fmt(rate) + ")");
    } else if (rate > MAX_RATE) {
      p.add("--rate must be at most " + fmt(MAX_RATE) + " (got " + fmt(rate) + ")");
    }
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      p.add(
          "--connections must be between 1 and " + MAX_CONNECTIONS + " (got " + connections + ")");
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      p.add("--duration must be > 0 (got " + duration.toMillis() + "ms)");
    }
    if (warmup.isNegative()) {
      p.add("--warmup must be >= 0");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      p.add("--timeout must be > 0");
    }
    if (connectTimeout.isZero() || connectTimeout.isNegative()) {
      p.add("--connect-timeout must be > 0");
    }
    if (maxQueue < 0) {
      p.add("--max-queue must be >= 0 (0: rate x timeout)");
    }
    if (lateAfter != null && (lateAfter.isZero() || lateAfter.isNegative())) {
      p.add("--late-after must be > 0");
    }
    if (threads < 1 || threads > 64) {
      p.add("--threads must be between 1 and 64 (got " + threads + ")");
    }
    return p;
  }

  /** For reports: flags and values, in the order a person reads them. */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("target", target.toString());
    m.put("workload", workload.describe());
    m.put("rate", fmt(rate) + "/s");
    m.put("connections", Integer.toString(connections));
    m.put(
        "duration",
        duration == null ? "until stopped" : io.madbase.common.Durations.format(duration));
    m.put("warmup", io.madbase.common.Durations.format(warmup));
    return m;
  }

  public static String fmt(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? Long.toString((long) d)
        : String.format(Locale.ROOT, "%.2f", d);
  }
}
