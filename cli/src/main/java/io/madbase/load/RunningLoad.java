package io.madbase.load;

import io.madbase.MadbaseException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
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
 */
public final class RunningLoad implements AutoCloseable {
  /** Latencies above an hour are recorded as an hour. */
  private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  private static final long SECOND = 1_000_000_000L;

  /** How much of the first error of each kind a report keeps. */
  static final int SAMPLE_BYTES = 400;

  /** How long in-flight requests may still finish after the schedule ends, beyond their timeout. */
  private static final Duration DRAIN_MARGIN = Duration.ofSeconds(1);

  /**
   * How long the server side's count may take to catch up with the client's (a retransmitted
   * handshake).
   */
  private static final Duration SERVER_SIDE_SETTLE = Duration.ofMillis(3500);

  private final LoadConfig config;
  private final LoadListener listener;
  private final URI base;
  private final InetSocketAddress targetAddress;
  private final HttpClient client;
  private final ConnectionStatistics connectionStats = new ConnectionStatistics();
  private final Map<String, String> headers;
  private final long lateAfterNanos;
  private final long timeoutNanos;
  private final double intervalNanos;
  private final String baseText;
  private volatile Object[] lastUri;
  private FixedConnections<Exchange> connections;

  /** Every request that ended, for the per-second buckets. */
  private final Recorder all = new Recorder(1, MAX_MICROS, 3);

  /** Measured requests only: the totals. */
  private final Recorder measured = new Recorder(1, MAX_MICROS, 3);

  private final Recorder measuredLag = new Recorder(1, MAX_MICROS, 3);
  private final Histogram measuredTotal = new Histogram(1, MAX_MICROS, 3);
  private final Histogram lagTotal = new Histogram(1, MAX_MICROS, 3);
  private final ReadSeconds reads = new ReadSeconds(MAX_MICROS);
  private final Tally warm = new Tally();
  private final Tally main = new Tally();
  private final AtomicLong inFlight = new AtomicLong();
  private final LongAccumulator lastMeasuredEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private final List<LoadResult.Second> seconds = Collections.synchronizedList(new ArrayList<>());

  private volatile boolean stopRequested;
  private volatile boolean ending;
  private volatile boolean scheduleDone;
  private final List<Thread> lanes = new ArrayList<>();
  private Thread ticker;

  private long startNanos;
  private long measureStartNanos;
  private long endNanos;
  private Instant startedAt;
  private int established;
  private Integer kernelEstablished;
  private Integer serverSide;
  private volatile int minOpen = Integer.MAX_VALUE;
  private String firstConnectFailure;
  private LoadResult result;

  RunningLoad(LoadConfig config, LoadListener listener) {
    this.config = config;
    this.listener = listener;
    this.base = URI.create(config.target().getScheme() + "://" + config.target().getRawAuthority());
    this.targetAddress = resolve(config.target());
    this.headers = config.headers();
    this.lateAfterNanos = config.lateAfterOrDefault().toNanos();
    this.timeoutNanos = config.timeout().toNanos();
    this.baseText = base.toString();
    this.intervalNanos = config.intervalNanos();
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
    preOpen();
    if (established == 0) {
      String why =
          firstConnectFailure == null ? "no connection could be opened" : firstConnectFailure;
      closeClient();
      throw MadbaseException.environment("cannot connect to " + base + ": " + why);
    }
    listener.connected(config.connections(), established, kernelEstablished);
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
    ticker = new Thread(this::tick, "loadtest-ticker");
    ticker.setDaemon(true);
    lanes.forEach(Thread::start);
    ticker.start();
  }

  private void preOpen() {
    Destination destination = client.resolveDestination(client.newRequest(base));
    connections =
        new FixedConnections<>(
            destination, config.connections(), config.maxQueueOrDefault(), new Sender());
    established = connections.open(config.connectTimeout().plusSeconds(5));
    firstConnectFailure = connections.firstFailure();
    kernelEstablished = SocketCensus.ownTo(targetAddress).orElse(null);
    serverSide =
        SocketCensus.isLocal(targetAddress.getAddress()) ? serverSideCount(established) : null;
  }

  /**
   * The server side's count, given a moment to catch up: the client sees a connection established
   * when the SYN-ACK arrives, the server when the last ACK does; a server whose listen backlog
   * overflowed drops that ACK and completes the handshake only on a retransmit, a second later.
   */
  private Integer serverSideCount(int expected) {
    long until = System.nanoTime() + SERVER_SIDE_SETTLE.toNanos();
    Integer n = SocketCensus.atServer(targetAddress).orElse(null);
    while (n != null && n < expected && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      n = SocketCensus.atServer(targetAddress).orElse(null);
    }
    return n;
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
    Tally tally = isMeasured ? main : warm;
    tally.scheduled.increment();
    boolean read = config.workload().isRead(i);
    if (read) {
      reads.offered();
    }
    inFlight.incrementAndGet();
    connections.submit(new Exchange(i, due, isMeasured, read, tally));
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
        // a request that cannot even be built is this run's error, not the scheduler's end
        x.sample = e.toString();
        x.end(Outcome.failure(e, false, false), false);
        connections.release(c);
        return;
      }
      x.connection = c;
      c.send(r.onRequestBegin(x).onResponseContent(x::content), x);
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

  /** One request: when it was due, when it started going out, how it ended. */
  private final class Exchange implements Request.BeginListener, Response.CompleteListener {
    private final long index;
    private final long due;
    private final boolean isMeasured;
    private final boolean read;
    private final Tally tally;
    private volatile long begun;
    private Connection connection;

    /** The start of an error response's body, kept while its kind has no sample yet. */
    private ByteArrayOutputStream errorBody;

    /** What this request's error said, if it has one. */
    private String sample;

    Exchange(long index, long due, boolean isMeasured, boolean read, Tally tally) {
      this.index = index;
      this.due = due;
      this.isMeasured = isMeasured;
      this.read = read;
      this.tally = tally;
    }

    @Override
    public void onBegin(Request request) {
      long now = System.nanoTime();
      begun = now;
      long lag = now - due;
      tally.sent.increment();
      if (lag > lateAfterNanos) {
        tally.late.increment();
      }
      if (isMeasured) {
        measuredLag.recordValue(micros(lag));
      }
    }

    /** Response content: kept only for an error whose kind has no sample yet. */
    void content(Response response, ByteBuffer content) {
      int status = response.getStatus();
      if (status >= 200 && status < 300 || tally.hasSample(Outcome.status(status))) {
        return;
      }
      if (errorBody == null) {
        errorBody = new ByteArrayOutputStream();
      }
      int room = SAMPLE_BYTES - errorBody.size();
      if (room > 0) {
        byte[] b = new byte[Math.min(room, content.remaining())];
        content.get(b);
        errorBody.write(b, 0, b.length);
      }
    }

    @Override
    public void onComplete(Result result) {
      String kind;
      if (result.getResponse() != null
          && result.getResponseFailure() == null
          && result.getRequestFailure() == null) {
        int status = result.getResponse().getStatus();
        tally.completed.increment();
        kind = status >= 200 && status < 300 ? null : Outcome.status(status);
        if (kind != null) {
          sample = errorBody == null ? "" : errorBody.toString(StandardCharsets.UTF_8).strip();
        }
      } else {
        kind = Outcome.failure(result.getFailure(), begun != 0, ending);
        sample = String.valueOf(result.getFailure());
      }
      end(kind, true);
      connections.release(connection);
    }

    /**
     * Accounts for the request's end.
     *
     * @param kind null for ok, else the error's kind
     * @param waited it waited (on a connection or in the queue) and its latency counts; false for
     *     one refused at once
     */
    void end(String kind, boolean waited) {
      long now = System.nanoTime();
      try {
        boolean began = begun != 0;
        boolean recorded = began || (waited && !Outcome.UNFINISHED.equals(kind));
        long micros = micros(now - due);
        if (recorded) {
          all.recordValue(micros);
          if (isMeasured) {
            measured.recordValue(micros);
            lastMeasuredEnd.accumulate(now);
          }
        }
        if (read) {
          reads.ended(kind == null, recorded ? micros : -1);
        }
        if (!began) {
          tally.notSent.increment();
        }
        if (kind == null) {
          tally.ok.increment();
        } else {
          tally.error(kind);
          if (!Outcome.UNFINISHED.equals(kind)) {
            tally.sample(kind, sample != null ? sample : Outcome.describe(kind));
          }
        }
        tally.ended.increment();
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private static long micros(long nanos) {
    return Math.max(1, Math.min(MAX_MICROS, nanos / 1000));
  }

  // ------------------------------------------------------------------ per-second buckets

  private void tick() {
    Histogram interval = null;
    Histogram measuredInterval = null;
    long[] last = new long[5];
    int index = 0;
    long bucketStart = startNanos;
    while (true) {
      long bucketEnd = bucketStart + SECOND;
      boolean finalBucket = false;
      long now;
      while ((now = System.nanoTime()) < bucketEnd) {
        if (scheduleDone && inFlight.get() == 0) {
          finalBucket = true;
          break;
        }
        LockSupport.parkNanos(Math.min(bucketEnd - now, TimeUnit.MILLISECONDS.toNanos(20)));
      }
      if (finalBucket) {
        bucketEnd = Math.max(bucketStart, now);
      }
      if (Thread.currentThread().isInterrupted()) {
        finalBucket = true;
      }
      interval = all.getIntervalHistogram(interval);
      measuredInterval = measured.getIntervalHistogram(measuredInterval);
      synchronized (measuredTotal) {
        measuredTotal.add(measuredInterval);
      }
      long[] cur = {
        warm.scheduled.sum() + main.scheduled.sum(),
        warm.ended.sum() + main.ended.sum(),
        warm.ok.sum() + main.ok.sum(),
        warm.errors.sum() + main.errors.sum(),
        warm.late.sum() + main.late.sum()
      };
      int open = (int) connectionStats.getConnections();
      boolean inWarmup = bucketStart < measureStartNanos;
      if (!inWarmup && !scheduleDone) {
        minOpen = Math.min(minOpen, open);
      }
      LoadResult.Second s =
          new LoadResult.Second(
              index,
              bucketStart,
              bucketEnd,
              inWarmup,
              cur[0] - last[0],
              cur[1] - last[1],
              cur[2] - last[2],
              cur[3] - last[3],
              cur[4] - last[4],
              ms(interval.getValueAtPercentile(50)),
              ms(interval.getValueAtPercentile(99)),
              ms(interval.getMaxValue()),
              open,
              reads.next());
      if (!(finalBucket
          && s.completed() == 0
          && s.scheduled() == 0
          && bucketEnd - bucketStart < SECOND / 10)) {
        seconds.add(s);
      }
      // a last bucket of a fraction of a second is kept in the result, not shown as a rate
      if (!finalBucket || bucketEnd - bucketStart >= SECOND / 2) {
        double p99SoFar;
        synchronized (measuredTotal) {
          p99SoFar =
              ms(
                  inWarmup
                      ? interval.getValueAtPercentile(99)
                      : measuredTotal.getValueAtPercentile(99));
        }
        try {
          listener.second(
              s,
              new LoadListener.Live(
                  (bucketEnd - startNanos) / 1e9,
                  inWarmup,
                  p99SoFar,
                  main.errors.sum(),
                  main.notSent.sum(),
                  main.late.sum()));
        } catch (RuntimeException e) {
          // a listener's failure must not stop the measurement
        }
      }
      last = cur;
      index++;
      bucketStart = bucketEnd;
      if (finalBucket) {
        return;
      }
    }
  }

  private static double ms(long micros) {
    return micros / 1000.0;
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
    int atEnd = openInPool();
    Integer kernelAtEnd = SocketCensus.ownTo(targetAddress).orElse(null);
    if (!early && stopRequested) {
      early = true;
    }
    scheduleDone = true;
    // in-flight requests may finish: each has its own timeout, the drain adds a margin
    long drainUntil = System.nanoTime() + config.timeout().plus(DRAIN_MARGIN).toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
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
    result = build(early, stoppedAt, atEnd, kernelAtEnd);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  private LoadResult build(boolean early, long stoppedAt, int atEnd, Integer kernelAtEnd) {
    Histogram total;
    synchronized (measuredTotal) {
      measuredTotal.add(measured.getIntervalHistogram());
      total = measuredTotal.copy();
    }
    lagTotal.add(measuredLag.getIntervalHistogram());
    long lastEnd = lastMeasuredEnd.get();
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
    LoadResult.Counts counts =
        new LoadResult.Counts(
            main.scheduled.sum(),
            main.sent.sum(),
            main.completed.sum(),
            main.ok.sum(),
            main.errors.sum(),
            main.late.sum(),
            main.notSent.sum());
    int min = minOpen == Integer.MAX_VALUE ? atEnd : minOpen;
    LoadResult.Connections conns =
        new LoadResult.Connections(
            config.connections(),
            established,
            kernelEstablished,
            serverSide,
            min,
            atEnd,
            kernelAtEnd,
            connectionStats.getConnectionsTotal(),
            SocketCensus.METHOD,
            firstConnectFailure);
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
        counts,
        main.kinds(),
        main.samples(),
        new LoadResult.Throughput(rps, okps, rps / config.rate()),
        latency(total),
        latency(lagTotal),
        config.lateAfterOrDefault(),
        conns,
        List.copyOf(seconds));
  }

  static LoadResult.Latency latency(Histogram h) {
    if (h.getTotalCount() == 0) {
      return LoadResult.Latency.EMPTY;
    }
    return new LoadResult.Latency(
        h.getTotalCount(),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()),
        h.getMean() / 1000.0);
  }

  /** Connections open in the client's pool now. */
  public int openConnections() {
    return openInPool();
  }

  /** The per-second buckets so far. */
  public List<LoadResult.Second> secondsSoFar() {
    synchronized (seconds) {
      return List.copyOf(seconds);
    }
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

  /** Counters of one part of the run (warmup or measured). */
  private static final class Tally {
    final LongAdder scheduled = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder ended = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder late = new LongAdder();
    final LongAdder notSent = new LongAdder();
    final ConcurrentHashMap<String, LongAdder> byKind = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();

    boolean hasSample(String kind) {
      return samples.containsKey(kind);
    }

    /** Keeps the first error of each kind as it came (a body, or a failure), for the report. */
    void sample(String kind, String text) {
      samples.putIfAbsent(
          kind, text.length() > SAMPLE_BYTES ? text.substring(0, SAMPLE_BYTES) : text);
    }

    Map<String, String> samples() {
      return new TreeMap<>(samples);
    }

    void error(String kind) {
      errors.increment();
      byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    Map<String, Long> kinds() {
      Map<String, Long> m = new TreeMap<>();
      byKind.forEach((k, v) -> m.put(k, v.sum()));
      return m;
    }
  }
}
