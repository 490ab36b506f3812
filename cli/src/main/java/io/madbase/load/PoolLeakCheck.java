package io.madbase.load;

import io.madbase.observe.Http;
import io.madbase.observe.PgConnect;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the gateway's database sessions in {@code pg_stat_activity} on every PostgreSQL node (its
 * replica pool's sessions live on the replicas) before, during and after a load run, and decides
 * whether its pools leaked (docs/loadtest.md, "Pool leaks").
 *
 * <p>The rule. A pool that grows to its maximum under load and stays there is not a leak: HikariCP
 * keeps idle connections above {@code minimumIdle} until its idle timeout (60 s in the gateway),
 * and more. A leak is any of:
 *
 * <ul>
 *   <li>more sessions than the pools may hold at any time (the ceiling: {@code DB_POOL_SIZE} for
 *       the primary pool, the same again for the replica pool, {@code TENANT_POOL_SIZE} per tenant
 *       pool, for every gateway);
 *   <li>after the run settles, connections still borrowed from the pools (the gateway's own {@code
 *       gateway_pool_active} gauge; where it cannot be read, sessions not {@code idle} in
 *       PostgreSQL);
 *   <li>after the run, more sessions than at its end or at the peak: a count that keeps growing;
 *   <li>with {@code waitForBaseline}: a count that does not come back to the baseline within the
 *       settle timeout.
 * </ul>
 *
 * The gateway's readiness probe ({@code gateway-lite/probe}) keeps one session of its own, reopened
 * when it breaks: it is not a pool and is not counted.
 */
public final class PoolLeakCheck implements AutoCloseable {
  /**
   * Sessions of the gateway's pools: {@code gateway-lite} and {@code gateway-lite/<ref>}, not its
   * probe.
   */
  static final String QUERY =
      "SELECT application_name, count(*), count(*) FILTER (WHERE state IS DISTINCT FROM 'idle') FROM pg_stat_activity"
          + " WHERE application_name LIKE 'gateway-lite%' AND application_name <> 'gateway-lite/probe' GROUP BY 1";

  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
  private static final Duration SETTLE_POLL = Duration.ofMillis(500);

  /**
   * Samples in a row with nothing borrowed and a steady count before the settle phase may end
   * early.
   */
  private static final int STEADY_SAMPLES = 3;

  /** A PostgreSQL node to look at. */
  public record Node(String name, String host, int port) {}

  /**
   * How big the pools may get.
   *
   * @param sharedPerGateway the shared pools' connections per gateway (primary + replica)
   * @param tenantPoolSize a tenant pool's connections
   * @param gateways gateways sharing these databases
   */
  public record Ceiling(int sharedPerGateway, int tenantPoolSize, int gateways) {
    int of(Map<String, Integer> byApp) {
      long tenants = byApp.keySet().stream().filter(a -> a.startsWith("gateway-lite/")).count();
      return gateways * (sharedPerGateway + (int) tenants * tenantPoolSize);
    }
  }

  /** One look: sessions by application_name, those not idle, and nodes that did not answer. */
  public record Sample(
      long nanos,
      int sessions,
      int notIdle,
      Map<String, Integer> byApp,
      Integer borrowed,
      List<String> unreachable) {}

  /**
   * The verdict.
   *
   * @param baseline sessions before the run
   * @param peak most sessions seen during the run
   * @param atRunEnd sessions when the run ended
   * @param after sessions when the check ended
   * @param ceiling most sessions the pools may hold
   * @param borrowedAfter connections still borrowed from the pools at the end (gateway metrics),
   *     null when unknown
   * @param notIdleAfter gateway sessions not idle in PostgreSQL at the end
   * @param returnedToBaseline the count came back to the baseline (or below)
   * @param settleSeconds how long the check waited after the run
   * @param leak the pools leaked, by the rule above
   * @param verdict one sentence saying why
   * @param unreachable nodes that could not be asked at some point (their sessions are not counted
   *     then)
   * @param samples every look, before, during and after
   */
  public record Result(
      int baseline,
      int peak,
      int atRunEnd,
      int after,
      int ceiling,
      Integer borrowedAfter,
      int notIdleAfter,
      boolean returnedToBaseline,
      double settleSeconds,
      boolean leak,
      String verdict,
      List<String> unreachable,
      List<Sample> samples) {}

  private final List<Node> nodes;
  private final String user;
  private final String password;
  private final Ceiling ceiling;
  private final List<URI> gatewayMetrics;
  private final Map<String, Connection> connections = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final java.util.Set<String> everUnreachable = new java.util.TreeSet<>();
  private Sample baseline;
  private int peak;
  private int maxCeiling;
  private Thread sampler;
  private volatile boolean sampling;

  /**
   * @param gatewayMetrics the gateways' {@code /metrics} URLs, for borrowed connections; empty:
   *     judged from PostgreSQL alone
   */
  public PoolLeakCheck(
      List<Node> nodes, String user, String password, Ceiling ceiling, List<URI> gatewayMetrics) {
    this.nodes = List.copyOf(nodes);
    this.user = user;
    this.password = password;
    this.ceiling = ceiling;
    this.gatewayMetrics = List.copyOf(gatewayMetrics);
  }

  /** Takes the baseline; fails (exit 3) when no node answers. */
  public synchronized Sample baseline() {
    Sample s = sample();
    if (s.unreachable().size() == nodes.size()) {
      throw io.madbase.MadbaseException.environment(
          "--check-pool-leaks: cannot query pg_stat_activity on any PostgreSQL node ("
              + String.join(", ", s.unreachable())
              + ")");
    }
    baseline = s;
    peak = s.sessions();
    return s;
  }

  /** Samples every second in the background until {@link #settle}. */
  public synchronized void startSampling() {
    sampling = true;
    sampler =
        new Thread(
            () -> {
              while (sampling) {
                LockSupport.parkNanos(SAMPLE_EVERY.toNanos());
                if (sampling) {
                  synchronized (this) {
                    sample();
                  }
                }
              }
            },
            "loadtest-pool-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Stops sampling, then waits up to {@code timeout} for the pools to settle, and judges. */
  public Result settle(Duration timeout, boolean waitForBaseline) {
    sampling = false;
    if (sampler != null) {
      sampler.interrupt();
      try {
        sampler.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (baseline == null) {
        baseline();
      }
      long t0 = System.nanoTime();
      Sample atEnd = sample();
      Sample last = atEnd;
      boolean returned = false;
      int steady = 0;
      long deadline = t0 + timeout.toNanos();
      while (true) {
        if (last.sessions() <= baseline.sessions()) {
          returned = true;
          break;
        }
        boolean quiet =
            (last.borrowed() != null ? last.borrowed() == 0 : last.notIdle() == 0)
                && last.sessions() <= ceiling.of(last.byApp());
        steady = quiet ? steady + 1 : 0;
        if (!waitForBaseline && steady >= STEADY_SAMPLES) {
          break;
        }
        if (System.nanoTime() >= deadline) {
          break;
        }
        LockSupport.parkNanos(SETTLE_POLL.toNanos());
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
        last = sample();
      }
      double waited = (System.nanoTime() - t0) / 1e9;
      return judge(atEnd, last, returned, waited, waitForBaseline, timeout);
    }
  }

  private Result judge(
      Sample atEnd,
      Sample last,
      boolean returned,
      double waited,
      boolean waitForBaseline,
      Duration timeout) {
    List<String> why = new ArrayList<>();
    if (peak > maxCeiling) {
      why.add("peak " + peak + " sessions is above what the pools may hold (" + maxCeiling + ")");
    }
    Integer borrowed = last.borrowed();
    if (borrowed != null && borrowed > 0) {
      why.add(
          borrowed
              + " connections still borrowed from the gateway's pools "
              + fmt(waited)
              + " s after the run");
    } else if (borrowed == null && last.notIdle() > 0) {
      why.add(
          last.notIdle() + " gateway sessions still not idle " + fmt(waited) + " s after the run");
    }
    if (last.sessions() > Math.max(atEnd.sessions(), peak)) {
      why.add(
          "the count kept growing after the run ("
              + atEnd.sessions()
              + " at its end, "
              + last.sessions()
              + " later)");
    }
    if (waitForBaseline && !returned) {
      why.add(
          "the count did not return to the baseline "
              + baseline.sessions()
              + " within "
              + io.madbase.common.Durations.format(timeout)
              + " ("
              + last.sessions()
              + " left)");
    }
    boolean leak = !why.isEmpty();
    String verdict;
    if (leak) {
      verdict = "LEAK: " + String.join("; ", why);
    } else if (returned) {
      verdict =
          "no leak: back to the baseline ("
              + last.sessions()
              + " <= "
              + baseline.sessions()
              + ") "
              + fmt(waited)
              + " s after the run";
    } else {
      verdict =
          "no leak: "
              + last.sessions()
              + " idle sessions, within the pools' maximum "
              + ceiling.of(last.byApp())
              + ", none borrowed; the pools keep idle connections above their minimum until their idle timeout (60 s)";
    }
    return new Result(
        baseline.sessions(),
        peak,
        atEnd.sessions(),
        last.sessions(),
        maxCeiling,
        borrowed,
        last.notIdle(),
        returned,
        waited,
        leak,
        verdict,
        List.copyOf(everUnreachable),
        List.copyOf(samples));
  }

  private static String fmt(double s) {
    return String.format(java.util.Locale.ROOT, "%.1f", s);
  }

  /** One look at every node (and the gateways' borrowed count). */
  Sample sample() {
    Map<String, Integer> byApp = new LinkedHashMap<>();
    int notIdle = 0;
    List<String> unreachable = new ArrayList<>();
    for (Node n : nodes) {
      try {
        Connection c = connection(n);
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(QUERY)) {
          while (rs.next()) {
            byApp.merge(rs.getString(1), rs.getInt(2), Integer::sum);
            notIdle += rs.getInt(3);
          }
        }
      } catch (SQLException e) {
        unreachable.add(n.name());
        closeQuietly(connections.remove(n.name()));
      }
    }
    int sessions = byApp.values().stream().mapToInt(Integer::intValue).sum();
    Sample s = new Sample(System.nanoTime(), sessions, notIdle, byApp, borrowed(), unreachable);
    samples.add(s);
    everUnreachable.addAll(unreachable);
    peak = Math.max(peak, sessions);
    maxCeiling = Math.max(maxCeiling, ceiling.of(byApp));
    return s;
  }

  /**
   * Sum of {@code gateway_pool_active} over the gateways; null when one does not answer or there
   * are none.
   */
  private Integer borrowed() {
    if (gatewayMetrics.isEmpty()) {
      return null;
    }
    double total = 0;
    for (URI u : gatewayMetrics) {
      var r = Http.get(u.toString(), Duration.ofSeconds(1)).filter(Http.Response::ok);
      if (r.isEmpty()) {
        return null;
      }
      for (String line : r.get().body().split("\n")) {
        if (line.startsWith("gateway_pool_active")) {
          String[] f = line.trim().split("\\s+");
          total += Double.parseDouble(f[f.length - 1]);
        }
      }
    }
    return (int) Math.round(total);
  }

  private Connection connection(Node n) throws SQLException {
    Connection c = connections.get(n.name());
    if (c != null) {
      return c;
    }
    c =
        DriverManager.getConnection(
            "jdbc:postgresql://" + n.host() + ":" + n.port() + "/postgres",
            PgConnect.properties(user, password, "madbase-loadtest", 2, 5));
    connections.put(n.name(), c);
    return c;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // going away anyway
      }
    }
  }

  @Override
  public synchronized void close() {
    sampling = false;
    if (sampler != null) {
      sampler.interrupt();
    }
    connections.values().forEach(PoolLeakCheck::closeQuietly);
    connections.clear();
  }
}
