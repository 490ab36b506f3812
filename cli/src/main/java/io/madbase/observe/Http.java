package io.madbase.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Short HTTP calls to the stack's members (Patroni REST, etcd, HAProxy stats, gateway). Every call
 * is bounded: a member that hangs (Patroni while etcd is down, say) costs a timeout, never a stuck
 * command.
 */
public final class Http {
  /** A response: status and body. */
  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(1))
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private Http() {}

  public static Optional<Response> get(String url, Duration timeout) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
  }

  public static Optional<Response> post(String url, String json, Duration timeout) {
    return post(url, json, timeout, Optional.empty());
  }

  /** POST with an {@code Authorization} header when {@code authorization} is present. */
  public static Optional<Response> post(
      String url, String json, Duration timeout, Optional<String> authorization) {
    return send(withBody(url, "POST", json, timeout, authorization));
  }

  public static Optional<Response> patch(String url, String json, Duration timeout) {
    return patch(url, json, timeout, Optional.empty());
  }

  /** PATCH with an {@code Authorization} header when {@code authorization} is present. */
  public static Optional<Response> patch(
      String url, String json, Duration timeout, Optional<String> authorization) {
    return send(withBody(url, "PATCH", json, timeout, authorization));
  }

  private static HttpRequest withBody(
      String url, String method, String json, Duration timeout, Optional<String> authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b.build();
  }

  /** Empty when the member could not be reached or did not answer in time. */
  private static Optional<Response> send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return Optional.of(new Response(r.statusCode(), r.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
