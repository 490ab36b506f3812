package io.madbase.gateway.workers;

import io.madbase.gateway.http.ApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forwards {@code /functions/v1/*} to a worker upstream picked round-robin. A worker that does not
 * accept the connection (nothing was sent) is skipped for the next one, and tried after the others
 * for a few seconds; any other failure is a 502.
 */
public final class WorkerProxy {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "proxy-authorization",
          "expect",
          "http2-settings");
  static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

  /** What the worker answered, and which worker it was. */
  public record Forwarded(
      int status, byte[] body, Map<String, List<String>> headers, URI upstream) {}

  private final WorkerDiscovery discovery;
  private final HttpClient http;

  public WorkerProxy(WorkerDiscovery discovery, HttpClient http) {
    this.discovery = discovery;
    this.http = http;
  }

  public Forwarded forward(
      String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
    List<URI> order = discovery.attemptOrder();
    if (order.isEmpty()) {
      throw new ApiException(
          503, "no_workers", "no worker upstream is known", Map.of("Retry-After", "1"));
    }
    IOException last = null;
    for (URI upstream : order) {
      try {
        Forwarded f = send(upstream, method, pathAndQuery, headers, body);
        discovery.reachable(upstream);
        return f;
      } catch (ConnectException | HttpConnectTimeoutException e) {
        last = e; // not sent: the next worker may answer
        discovery.unreachable(upstream);
      } catch (IOException e) {
        throw new ApiException(502, "upstream_failed", "worker " + upstream + " failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "shutting_down", "interrupted");
      }
    }
    throw new ApiException(
        502, "upstream_unreachable", "no worker upstream accepted the connection: " + last);
  }

  private Forwarded send(
      URI upstream,
      String method,
      String pathAndQuery,
      Map<String, List<String>> headers,
      byte[] body)
      throws IOException, InterruptedException {
    URI target = URI.create(upstream.toString().replaceAll("/+$", "") + pathAndQuery);
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(target)
            .timeout(UPSTREAM_TIMEOUT)
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, values) -> {
          if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            values.forEach(v -> rb.header(name, v));
          }
        });
    HttpResponse<byte[]> res = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Forwarded(res.statusCode(), res.body(), res.headers().map(), upstream);
  }
}
