package io.madbase.load;

import io.madbase.MadbaseException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A load run in progress: an open-model, constant-arrival-rate generator (as wrk2). Request {@code
 * i} is due at {@code start + i / rate}; it is handed to the HTTP client at that time (or as soon
 * as possible after), whatever happened to earlier requests, and its latency runs from that
 * intended time, not from when it was actually sent: a server that stalls is charged for every
 * request that should have gone out during the stall (no coordinated omission).
 *
 * <p>Requests that start going out late (the generator was behind, or every connection was busy)
 * are counted as {@code late}; requests that never go out (the queue for a connection was full,
 * they timed out waiting for one, or the run ended first) are counted as {@code not_sent} and as
 * errors. Nothing is skipped and the schedule never shifts.
 *
 * <p>HTTP is Jetty's {@link HttpClient}, over exactly {@code connections} connections opened before
 * the first request ({@link FixedConnections}) and checked against the kernel's count.
 *
 * <p>This class keeps the schedule and the run's life; each request is an {@link Exchange}, counted
 * by the {@link Accounting}, bucketed per second by the {@link SecondTicker}, and the connections
 * are checked by the {@link ConnectionAudit}.
 */
public final class RunningLoad implements AutoCloseable {
  /** How long in-flight requests may still finish after the schedule ends, beyond their timeout. */
  private static final Duration DRAIN_MARGIN = Duration.ofSeconds(1);

  private final LoadConfig config;
  private final LoadListener listener;
  private final URI base;
  private final InetSocketAddress targetAddress;
  private final HttpClient client;
  private final ConnectionStatistics connectionStats = new ConnectionStatistics();
  private final Map<String, String> headers;
  private final long timeoutNanos;
  private final double intervalNanos;
  private final String baseText;
  private final Accounting accounting;
  private final ConnectionAudit audit;
  private volatile Object[] lastUri;
  private FixedConnections<Exchange> connections;
  private SecondTicker seconds;

  private volatile boolean stopRequested;
  private volatile boolean ending;
  private volatile boolean scheduleDone;
  private final List<Thread> lanes = new ArrayList<>();
  private Thread ticker;

  private long startNanos;
  private long measureStartNanos;
  private long endNanos;
  private Instant startedAt;
  private LoadResult result;

  RunningLoad(LoadConfig config, LoadListener listener) {
    this.config = config;
    this.listener = listener;
    this.base = URI.create(config.target().getScheme() + "://" + config.target().getRawAuthority());
    this.targetAddress = resolve(config.target());
    this.headers = config.headers();
    this.timeoutNanos = config.timeout().toNanos();
    this.baseText = base.toString();
    this.intervalNanos = config.intervalNanos();
    this.accounting = new Accounting(config.lateAfterOrDefault().toNanos());
    this.audit = new ConnectionAudit(targetAddress, config.connections());
    this.client = newClient(config);
  }

  private static InetSocketAddress resolve(URI target) {
    int port =
        target.getPort() > 0
            ? target.getPort()
            : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    try {
      return new InetSocketAddress(InetAddress.getByName(target.getHost()), port);
    } catch (UnknownHostException e) {
      throw MadbaseException.environment(
          "cannot resolve " + target.getHost() + ": " + e.getMessage());
    }
  }

  private HttpClient newClient(LoadConfig c) {
    ClientConnector connector = new ClientConnector();
    // one selector per two cores: enough for tens of thousands of requests a second on loopback
    connector.setSelectors(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    connector.setConnectTimeout(c.connectTimeout());
    HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
    // the listeners here never block (they count, record and hand the connection on), so Jetty
    // may run them on the selector thread instead of handing each response to another thread
    // (Jetty's documented switch; a third more requests a second at saturation on 2 cores)
    transport.setInvocationType(
        org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
    HttpClient h = new HttpClient(transport);
    QueuedThreadPool threads =
        new QueuedThreadPool(Math.max(16, Runtime.getRuntime().availableProcessors() * 8));
    threads.setName("loadtest-client");
    threads.setDaemon(true);
    h.setExecutor(threads);
    h.setConnectTimeout(c.connectTimeout().toMillis());
    // the run decides when connections go away, not an idle timer
    h.setIdleTimeout(0);
    h.setFollowRedirects(false);
    h.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "madbase-loadtest"));
    // no Accept-Encoding: the same bytes as any plain client (wrk) asks for, no decompression
    h.getContentDecoderFactories().clear();
    h.addBean(connectionStats);
    return h;
  }

  // ------------------------------------------------------------------ start

  /** Starts the client, opens the connections, then the schedule. */
  void start() {
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
    }
    Destination destination = client.resolveDestination(client.newRequest(base));
    connections =
        new FixedConnections<>(
            destination, config.connections(), config.maxQueueOrDefault(), new Sender());
    audit.open(connections, config.connectTimeout().plusSeconds(5));
    if (audit.established() == 0) {
      String why =
          audit.firstFailure() == null ? "no connection could be opened" : audit.firstFailure();
      closeClient();
      throw MadbaseException.environment("cannot connect to " + base + ": " + why);
    }
    listener.connected(config.connections(), audit.established(), audit.kernelEstablished());
    startedAt = Instant.now();
    // the first request is due a little after now, so every lane starts on time
    startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    measureStartNanos = startNanos + config.warmup().toNanos();
    Duration d = config.duration() != null ? config.duration() : LoadConfig.UNBOUNDED_LIMIT;
    endNanos = measureStartNanos + d.toNanos();
    for (int j = 0; j < config.threads(); j++) {
      int lane = j;
      Thread t = new Thread(() -> schedule(lane), "loadtest-scheduler-" + j);
      t.setDaemon(true);
      lanes.add(t);
    }
    seconds =
        new SecondTicker(
            accounting,
            listener,
            () -> (int) connectionStats.getConnections(),
            () -> scheduleDone,
            startNanos,
            measureStartNanos);
    ticker = new Thread(seconds, "loadtest-ticker");
    ticker.setDaemon(true);
    lanes.forEach(Thread::start);
    ticker.start();
  }

  /** Open connections of the run's fixed set (connections still opening are not counted). */
  private int openInPool() {
    return connections == null ? 0 : connections.openCount();
  }

  // ------------------------------------------------------------------ the schedule

  private void schedule(int lane) {
    int step = config.threads();
    for (long i = lane; !stopRequested; i += step) {
      long due = startNanos + (long) (i * intervalNanos);
      if (due >= endNanos) {
        break;
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        if (stopRequested) {
          return;
        }
        LockSupport.parkNanos(due - now);
      }
      send(i, due);
    }
  }

  private void send(long i, long due) {
    boolean isMeasured = due >= measureStartNanos;
    boolean read = config.workload().isRead(i);
    accounting.scheduled(accounting.tally(isMeasured), read);
    connections.submit(
        new Exchange(i, due, isMeasured, read, accounting, connections, () -> ending));
  }

  /** Builds each request when it gets a connection, and fails those that cannot have one. */
  private final class Sender implements FixedConnections.Sender<Exchange> {
    @Override
    public void send(Connection c, Exchange x) {
      Request r;
      try {
        Workload.Shape shape = config.workload().request(x.index);
        r =
            client
                .newRequest(uri(shape.pathAndQuery()))
                .method(shape.method())
                .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!headers.isEmpty()) {
          r.headers(h -> headers.forEach(h::put));
        }
        if (shape.body() != null) {
          r.body(new StringRequestContent("application/json", shape.body()));
        }
      } catch (RuntimeException e) {
        x.unbuildable(c, e);
        return;
      }
      x.sendOn(c, r);
    }

    @Override
    public void rejected(Exchange x) {
      x.end(ending ? Outcome.UNFINISHED : Outcome.QUEUE_FULL, false);
    }

    @Override
    public boolean expired(Exchange x) {
      if (System.nanoTime() - x.due < timeoutNanos) {
        return false;
      }
      x.end(Outcome.TIMEOUT_BEFORE_SEND, true);
      return true;
    }
  }

  /** The URI of a path: the last one is kept, as a fixed --path repeats it every time. */
  private URI uri(String pathAndQuery) {
    Object[] last = lastUri;
    if (last != null && last[0] == pathAndQuery) {
      return (URI) last[1];
    }
    URI u = URI.create(baseText + pathAndQuery);
    lastUri = new Object[] {pathAndQuery, u};
    return u;
  }

  // ------------------------------------------------------------------ ending

  /** Waits for the run to end by itself (its duration), then returns the result. */
  public LoadResult await() {
    return finish(false);
  }

  /**
   * Ends the run now (no request is scheduled after this), lets in-flight requests finish, returns
   * the result.
   */
  public LoadResult stop() {
    stopRequested = true;
    lanes.forEach(LockSupport::unpark);
    return finish(true);
  }

  private synchronized LoadResult finish(boolean early) {
    if (result != null) {
      return result;
    }
    boolean interrupted = false;
    for (Thread t : lanes) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
        stopRequested = true;
      }
    }
    long stoppedAt = System.nanoTime();
    audit.atEnd(openInPool());
    if (!early && stopRequested) {
      early = true;
    }
    scheduleDone = true;
    // in-flight requests may finish: each has its own timeout, the drain adds a margin
    long drainUntil = System.nanoTime() + config.timeout().plus(DRAIN_MARGIN).toNanos();
    while (accounting.inFlight.get() > 0 && System.nanoTime() < drainUntil) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      if (Thread.interrupted()) {
        interrupted = true;
        break;
      }
    }
    ending = true;
    if (connections != null) {
      // what still waits for a connection never went out
      for (Exchange x : connections.drainWaiting()) {
        x.end(
            System.nanoTime() - x.due >= timeoutNanos
                ? Outcome.TIMEOUT_BEFORE_SEND
                : Outcome.UNFINISHED,
            true);
      }
      connections.close();
    }
    closeClient(); // fails what is still on a connection: counted as unfinished
    try {
      ticker.join(5_000);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (ticker.isAlive()) {
      ticker.interrupt();
    }
    result = build(early, stoppedAt);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  /** The result, assembled from the accounting, the buckets and the audit. */
  private LoadResult build(boolean early, long stoppedAt) {
    Tally main = accounting.main;
    long lastEnd = accounting.lastMeasuredEnd();
    long scheduleEnd = Math.min(stoppedAt, endNanos);
    double measuredSeconds =
        Math.max(
            0,
            (Math.max(scheduleEnd, lastEnd == Long.MIN_VALUE ? scheduleEnd : lastEnd)
                    - measureStartNanos)
                / 1e9);
    long ended = main.ended.sum() - main.notSent.sum();
    double rps = measuredSeconds > 0 ? ended / measuredSeconds : 0;
    double okps = measuredSeconds > 0 ? main.ok.sum() / measuredSeconds : 0;
    return new LoadResult(
        base.toString(),
        config.workload().describe(),
        config.rate(),
        config.duration(),
        config.warmup(),
        startedAt,
        startNanos,
        measureStartNanos,
        System.nanoTime(),
        measuredSeconds,
        early,
        main.counts(),
        main.kinds(),
        main.samples(),
        new LoadResult.Throughput(rps, okps, rps / config.rate()),
        Accounting.latency(accounting.measuredLatencies()),
        Accounting.latency(accounting.sendLags()),
        config.lateAfterOrDefault(),
        audit.result(seconds.minOpen(), connectionStats.getConnectionsTotal()),
        seconds.seconds());
  }

  /** Connections open in the client's pool now. */
  public int openConnections() {
    return openInPool();
  }

  /** The per-second buckets so far. */
  public List<LoadResult.Second> secondsSoFar() {
    return seconds == null ? List.of() : seconds.seconds();
  }

  /** nanoTime of the first intended send. */
  public long startNanos() {
    return startNanos;
  }

  public LoadConfig config() {
    return config;
  }

  private void closeClient() {
    try {
      client.stop();
    } catch (Exception e) {
      // stopping fails what is in flight; nothing else to do
    }
  }

  /** Stops the run if it is still going and releases the connections. Closing twice is safe. */
  @Override
  public void close() {
    if (!lanes.isEmpty()) {
      stop();
    }
    closeClient();
  }
}
