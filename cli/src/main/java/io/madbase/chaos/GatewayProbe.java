package io.madbase.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Requests through the gateway, sent asynchronously at their intended times so that a held request
 * (the gateway waiting out a failover) delays only itself. Three kinds: writes of sequence-numbered
 * rows to probe_writes (with an Idempotency-Key), reads, and function calls proxied to the workers.
 */
public final class GatewayProbe extends Probe {
  /** What the probe sends. */
  public enum Kind {
    WRITER("gateway_writer"),
    READER("gateway_reader"),
    FUNCTION_CALLER("function_caller");

    final String probeName;

    Kind(String probeName) {
      this.probeName = probeName;
    }
  }

  static final int MAX_IN_FLIGHT = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Kind kind;
  private final String baseUrl;
  private final String probeId;
  private final Duration requestTimeout;
  private final Duration delay;
  private final ExecutorService pool;
  private final HttpClient http;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  public GatewayProbe(
      Kind kind,
      String baseUrl,
      String probeId,
      Duration interval,
      Duration delay,
      Duration requestTimeout,
      RunClock clock,
      OpLog ops) {
    super(kind.probeName, interval, clock, ops);
    this.kind = kind;
    this.baseUrl = baseUrl;
    this.probeId = probeId;
    this.delay = delay;
    this.requestTimeout = requestTimeout;
    this.pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "probe-http-" + kind.probeName);
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .executor(pool)
            .connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public String probeId() {
    return probeId;
  }

  /** Operations started but not finished. */
  public int inFlight() {
    return MAX_IN_FLIGHT - inFlight.availablePermits();
  }

  @Override
  protected void operate(long seq, long intended) {
    if (!inFlight.tryAcquire()) {
      record(
          seq,
          intended,
          Op.Outcome.NOT_SENT,
          "backlog",
          MAX_IN_FLIGHT + " requests already in flight",
          0,
          "");
      return;
    }
    HttpRequest req = request(seq);
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (res, err) -> {
              try {
                if (err != null) {
                  failed(seq, intended, err);
                } else {
                  answered(seq, intended, res);
                }
              } finally {
                inFlight.release();
              }
            });
  }

  private HttpRequest request(long seq) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder().timeout(requestTimeout).header("X-Project-Ref", "default");
    return switch (kind) {
      case WRITER ->
          b.uri(URI.create(baseUrl + "/rest/v1/probe_writes"))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", probeId + "-" + seq)
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"probe\":\"" + probeId + "\",\"seq\":" + seq + "}"))
              .build();
      case READER -> b.uri(URI.create(baseUrl + "/rest/v1/items?limit=1")).GET().build();
      case FUNCTION_CALLER ->
          b.uri(
                  URI.create(
                      baseUrl
                          + "/functions/v1/probe?seq="
                          + seq
                          + (delay == null ? "" : "&delay_ms=" + delay.toMillis())))
              .GET()
              .build();
    };
  }

  private void answered(long seq, long intended, HttpResponse<String> res) {
    int retries =
        res.headers().firstValue("X-Gateway-Retries").map(GatewayProbe::parseInt).orElse(0);
    String servedBy =
        kind == Kind.FUNCTION_CALLER
            ? res.headers().firstValue("X-Worker").orElse(workerFromBody(res.body()))
            : res.headers().firstValue("X-Db-Route").orElse("");
    int status = res.statusCode();
    if (status >= 200 && status < 300) {
      record(seq, intended, Op.Outcome.OK, "", "", retries, servedBy);
      return;
    }
    String code = errorCode(res.body());
    Op.Outcome outcome =
        "write_outcome_unknown".equals(code) ? Op.Outcome.UNKNOWN : Op.Outcome.FAILED;
    record(
        seq,
        intended,
        outcome,
        "http_" + status + (code.isEmpty() ? "" : "_" + code),
        HaproxyWriter.firstLine(res.body()),
        retries,
        servedBy);
  }

  private void failed(long seq, long intended, Throwable err) {
    Throwable e =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    String kindName;
    if (e instanceof HttpTimeoutException) {
      kindName = "timeout";
    } else if (e instanceof ConnectException) {
      kindName = "connection_refused";
    } else if (e instanceof IOException) {
      kindName = "connection_lost";
    } else {
      kindName = e.getClass().getSimpleName();
    }
    // a write whose request went out and whose answer never came may have been applied
    boolean unknown = kind == Kind.WRITER && !kindName.equals("connection_refused");
    record(
        seq,
        intended,
        unknown ? Op.Outcome.UNKNOWN : Op.Outcome.FAILED,
        kindName,
        String.valueOf(e.getMessage()),
        0,
        "");
  }

  private static String errorCode(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.path("error").path("code").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static String workerFromBody(String body) {
    try {
      return JSON.readTree(body).path("worker").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Waits up to {@code timeout} for requests in flight to finish. */
  public void drain(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (inFlight() > 0 && System.nanoTime() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    super.close();
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
