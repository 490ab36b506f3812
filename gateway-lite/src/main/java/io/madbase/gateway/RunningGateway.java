package io.madbase.gateway;

import io.javalin.Javalin;
import io.madbase.common.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving gateway. {@link #close()} is the graceful shutdown: readiness turns false, the listener
 * closes (new connections are refused), in-flight requests complete up to the grace period, then
 * the pools close. Closing twice is safe; {@link #shutDownCleanly()} tells whether every in-flight
 * request finished in time.
 */
public final class RunningGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunningGateway.class);

  private final GatewayApp app;
  private final Javalin javalin;
  private final ServerConnector connector;
  private final GracefulHandler graceful;
  private final int port;
  private boolean closed;
  private boolean clean;

  RunningGateway(
      GatewayApp app,
      Javalin javalin,
      ServerConnector connector,
      GracefulHandler graceful,
      int port) {
    this.app = app;
    this.javalin = javalin;
    this.connector = connector;
    this.graceful = graceful;
    this.port = port;
  }

  public int port() {
    return port;
  }

  public GatewayApp app() {
    return app;
  }

  /** {@code http://127.0.0.1:port} (or https), for clients on this machine. */
  public URI localUri() {
    String host = "0.0.0.0".equals(app.config().bindHost()) ? "127.0.0.1" : app.config().bindHost();
    return URI.create(
        (app.config().tls().isPresent() ? "https" : "http") + "://" + host + ":" + port);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    var grace = app.config().shutdownGrace();
    app.beginShutdown();
    Duration drain = app.config().drainDelay();
    if (!drain.isZero() && !drain.isNegative()) {
      // /health answers 503 now: the proxy in front stops sending here while requests on their
      // way are still served, and no request meets a closed listener or a 503 from the drain
      log.info(
          "draining: not ready, /health failing, still serving for {} before the listener closes",
          Durations.format(drain));
      pause(drain);
    }
    log.info(
        "shutting down: not ready, listener closed, waiting up to {} for {} in-flight requests",
        Durations.format(grace),
        graceful.getCurrentRequestCount());
    connector.shutdown(); // closes the listening socket: new connections are refused
    // a request already on its way over a connection accepted just before is served, not
    // answered 503: a proxy that opens a connection per request (HAProxy in front of two
    // gateways) retries a refused connection elsewhere, but not a 503 (one in ~13,000 requests
    // of a rolling restart under load was)
    pause(ACCEPTED_GRACE);
    try {
      graceful.shutdown().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      clean = true;
    } catch (TimeoutException e) {
      log.warn(
          "{} requests still in flight after the {} grace period: cutting them off",
          graceful.getCurrentRequestCount(),
          Durations.format(grace));
    } catch (ExecutionException e) {
      log.warn("waiting for in-flight requests failed: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // What is left open now is idle keep-alive connections (or requests cut off after the
      // grace). Close them here: Jetty's stop would otherwise wait for its shutdown idle timeout
      // (1 s) to close them, racing its own stop timeout, and report a clean drain as a failure.
      connector.getConnectedEndPoints().forEach(EndPoint::close);
      try {
        javalin.stop();
      } catch (RuntimeException e) {
        clean = false;
        log.warn("stopping the HTTP server failed: {}", e.toString());
      }
      app.close();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (clean) {
      log.info("gateway {} shut down cleanly in {} ms", app.config().name(), ms);
    } else {
      log.warn("gateway {} shut down in {} ms, not cleanly", app.config().name(), ms);
    }
  }

  /** How long requests on connections accepted before the listener closed may still arrive. */
  static final java.time.Duration ACCEPTED_GRACE = java.time.Duration.ofMillis(100);

  private static void pause(java.time.Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** After {@link #close()}: whether every in-flight request completed within the grace period. */
  public synchronized boolean shutDownCleanly() {
    return closed && clean;
  }
}
