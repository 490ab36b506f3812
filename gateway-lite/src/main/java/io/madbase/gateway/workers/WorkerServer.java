package io.madbase.gateway.workers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny worker upstream: answers every path with JSON naming itself ({@code {"worker":"w1",…}}) so
 * tests and chaos runs can see which worker served a request. {@code ?delay_ms=N} (at most 30000)
 * makes it answer slowly. {@code GET /health} is its health check. {@link #close()} stops
 * accepting, lets in-flight requests finish within the grace period, and returns.
 */
public final class WorkerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_DELAY_MS = 30_000;

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Duration grace;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private volatile boolean closing;
  private boolean closed;

  private WorkerServer(String name, HttpServer server, ExecutorService executor, Duration grace) {
    this.name = name;
    this.server = server;
    this.executor = executor;
    this.grace = grace;
  }

  /** Starts on {@code bind}:{@code port} (0: any free port). */
  public static WorkerServer start(String name, String bind, int port, Duration grace)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 128);
    ExecutorService executor =
        Executors.newFixedThreadPool(16, r -> new Thread(r, "worker-" + name));
    WorkerServer w = new WorkerServer(name, server, executor, grace);
    server.createContext("/", w::handle);
    server.setExecutor(executor);
    server.start();
    log.info("worker {} listening on {}:{}", name, bind, w.port());
    return w;
  }

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      String path = ex.getRequestURI().getPath();
      ObjectNode body = JSON.createObjectNode().put("worker", name);
      if (closing) {
        body.put("error", "shutting down");
        reply(ex, 503, body);
        return;
      }
      if ("/health".equals(path)) {
        body.put("status", "ok");
      } else {
        long delay = delayMillis(ex.getRequestURI().getQuery());
        if (delay > 0) {
          Thread.sleep(delay);
        }
        body.put("method", ex.getRequestMethod())
            .put("path", path)
            .put("query", ex.getRequestURI().getRawQuery());
        body.put("request_bytes", ex.getRequestBody().readAllBytes().length);
        body.put("served", served.incrementAndGet());
      }
      reply(ex, 200, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(503, -1);
    } finally {
      ex.close();
      inFlight.decrementAndGet();
    }
  }

  private void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
    byte[] out = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("X-Worker", name);
    if (closing) {
      ex.getResponseHeaders().set("Connection", "close");
    }
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  static long delayMillis(String query) {
    if (query == null) {
      return 0;
    }
    for (String kv : query.split("&")) {
      if (kv.startsWith("delay_ms=")) {
        try {
          return Math.min(
              MAX_DELAY_MS, Math.max(0, Long.parseLong(kv.substring("delay_ms=".length()))));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String name() {
    return name;
  }

  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closing = true; // new requests now get 503 at once
    // JDK 17's HttpServer.stop(n) always waits the whole n seconds (JDK-8304065): wait for the
    // in-flight requests ourselves, bounded by the grace period, then stop at once
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int cut = inFlight.get();
    server.stop(0);
    executor.shutdownNow();
    if (cut > 0) {
      log.warn(
          "worker {} shut down with {} requests still running after {} ms",
          name,
          cut,
          grace.toMillis());
      return;
    }
    log.info("worker {} shut down cleanly", name);
  }

  /** For callers that cannot throw checked exceptions. */
  public static WorkerServer startUnchecked(String name, String bind, int port, Duration grace) {
    try {
      return start(name, bind, port, grace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
