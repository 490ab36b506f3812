package io.madbase.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JDK HttpServer on 127.0.0.1, any free port, that can be made slow on purpose: {@code /fast}
 * answers at once; {@code /slow} takes {@link #slowMillis}; {@code /stall-once} answers at once
 * except for the first request after {@link #armStall}, which takes the stall's length; {@code
 * /rest/v1/items} answers GETs and fails everything else with 503.
 */
public final class TestServer implements AutoCloseable {
  final HttpServer server;
  final ExecutorService handlers = Executors.newCachedThreadPool();
  final AtomicInteger served = new AtomicInteger();
  public volatile long slowMillis = 0;
  private final AtomicLong stallMillis = new AtomicLong();

  public TestServer() throws IOException {
    // the JDK server writes headers and body separately: without TCP_NODELAY, Nagle and the
    // client's delayed ACK hold every response on a busy keep-alive connection for ~40 ms
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
    server.createContext("/fast", ex -> answer(ex, 200));
    server.createContext(
        "/slow",
        ex -> {
          pause(slowMillis);
          answer(ex, 200);
        });
    server.createContext(
        "/stall-once",
        ex -> {
          pause(stallMillis.getAndSet(0));
          answer(ex, 200);
        });
    server.createContext("/status/503", ex -> answer(ex, 503));
    // the mix's paths: reads answer, writes fail
    server.createContext(
        "/rest/v1/items", ex -> answer(ex, "GET".equals(ex.getRequestMethod()) ? 200 : 503));
    server.setExecutor(handlers);
    server.start();
  }

  /** The next request to /stall-once takes {@code millis}. */
  void armStall(long millis) {
    stallMillis.set(millis);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
  }

  private void answer(HttpExchange ex, int status) throws IOException {
    ex.getRequestBody().readAllBytes();
    String text = status < 300 ? "{\"ok\":true}" : "{\"error\":\"answered " + status + "\"}";
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
    served.incrementAndGet();
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
