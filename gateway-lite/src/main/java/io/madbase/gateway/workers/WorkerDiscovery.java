package io.madbase.gateway.workers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.common.Masking;
import io.madbase.gateway.WorkerSource;
import io.madbase.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current worker upstreams, refreshed by polling the discovery source every interval, and
 * picked round-robin. A source that cannot be read keeps the last good list.
 */
public final class WorkerDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerDiscovery.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkerSource source;
  private final HttpClient http;
  private final ScheduledExecutorService poller;

  /** How long an upstream that did not accept a connection is tried after the others. */
  static final Duration AVOID = Duration.ofSeconds(5);

  private final AtomicInteger next = new AtomicInteger();
  private final java.util.Map<URI, Long> avoid = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<URI> upstreams = List.of();

  public WorkerDiscovery(
      WorkerSource source, Duration interval, HttpClient http, GatewayMetrics metrics) {
    this.source = source;
    this.http = http;
    metrics.gauge("gateway.worker.upstreams", () -> upstreams.size());
    if (source instanceof WorkerSource.Static s) {
      upstreams = s.urls();
      poller = null;
    } else if (source instanceof WorkerSource.None) {
      poller = null;
    } else {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "worker-discovery");
                t.setDaemon(true);
                return t;
              });
      refresh();
      poller.scheduleWithFixedDelay(
          this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reads the source now; keeps the last list when it cannot. */
  public void refresh() {
    try {
      List<URI> fresh = read();
      if (!fresh.equals(upstreams)) {
        log.info("worker upstreams now {}", fresh);
      }
      upstreams = List.copyOf(fresh);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "worker discovery from {} failed ({}); keeping {}",
          describe(),
          Masking.mask(e.getMessage()),
          upstreams);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The largest discovery file read: one URL a line, a few KB for hundreds of workers. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  /** The discovery file's lines; a device, a directory or a huge file is refused, not read. */
  static List<String> readList(java.nio.file.Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          Files.isDirectory(file)
              ? file + " is a directory, not a file"
              : Files.exists(file)
                  ? file + " is not a regular file (a device, pipe or socket)"
                  : file + ": no such file");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IOException(
          file + " is " + size + " bytes; a discovery file is one URL a line, at most 1 MiB");
    }
    try {
      return Files.readAllLines(file);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(file + " is not UTF-8 text");
    }
  }

  private List<URI> read() throws IOException, InterruptedException {
    if (source instanceof WorkerSource.File f) {
      return parseList(readList(f.path()));
    }
    if (source instanceof WorkerSource.ControlPlane cp) {
      URI uri = URI.create(cp.baseUrl().toString().replaceAll("/+$", "") + "/workers");
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) {
        throw new IOException("control plane answered " + res.statusCode());
      }
      JsonNode workers = JSON.readTree(res.body()).path("workers");
      List<String> lines = new ArrayList<>();
      workers.forEach(w -> lines.add(w.asText()));
      return parseList(lines);
    }
    return upstreams;
  }

  static List<URI> parseList(List<String> lines) {
    List<URI> out = new ArrayList<>();
    for (String line : lines) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      URI u = URI.create(s);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("not an http:// URL: " + s);
      }
      out.add(u);
    }
    return out;
  }

  private String describe() {
    if (source instanceof WorkerSource.File f) {
      return f.path().toString();
    }
    return source instanceof WorkerSource.ControlPlane cp
        ? Masking.mask(cp.baseUrl().toString())
        : "static list";
  }

  public List<URI> upstreams() {
    return upstreams;
  }

  /**
   * The upstreams one request tries, each once: round-robin from the next, with those that did not
   * accept a connection within the last {@link #AVOID} put last (still tried, when all others
   * fail). A stopped container's address does not refuse a connection, it times out: without this,
   * every request would wait out the connect timeout on it until discovery drops it.
   */
  public List<URI> attemptOrder() {
    List<URI> list = upstreams;
    if (list.isEmpty()) {
      return List.of();
    }
    int start = Math.floorMod(next.getAndIncrement(), list.size());
    long now = System.nanoTime();
    List<URI> first = new ArrayList<>();
    List<URI> last = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      URI u = list.get((start + i) % list.size());
      Long until = avoid.get(u);
      (until != null && now - until < 0 ? last : first).add(u);
    }
    first.addAll(last);
    return first;
  }

  /** {@code upstream} did not accept a connection: tried last for the next {@link #AVOID}. */
  public void unreachable(URI upstream) {
    avoid.put(upstream, System.nanoTime() + AVOID.toNanos());
  }

  /** {@code upstream} answered: no longer put last. */
  public void reachable(URI upstream) {
    avoid.remove(upstream);
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
