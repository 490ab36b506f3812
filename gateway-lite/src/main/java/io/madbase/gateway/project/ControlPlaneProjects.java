package io.madbase.gateway.project;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.gateway.http.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Project configs from the control plane: {@code GET <CONTROL_PLANE_URL>/projects/<ref>} answers
 * 200 with {@code {"ref":…,"db_url":…,"max_rows":…,"rate_limit_per_minute":…,"enabled":…}}, or 404
 * when there is no such project.
 */
public final class ControlPlaneProjects implements ProjectSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http;

  public ControlPlaneProjects(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  @Override
  public Optional<ProjectConfig> find(String ref) {
    URI uri =
        base.resolve(
            stripSlash(base.getPath())
                + "/projects/"
                + URLEncoder.encode(ref, StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() == 404) {
        return Optional.empty();
      }
      if (res.statusCode() != 200) {
        throw unavailable("answered " + res.statusCode());
      }
      return Optional.of(ProjectConfig.fromJson(JSON.readTree(res.body())));
    } catch (IOException | IllegalArgumentException e) {
      throw unavailable(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted");
    }
  }

  static String stripSlash(String path) {
    return path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static ApiException unavailable(String why) {
    return new ApiException(
        503,
        "project_config_unavailable",
        "the control plane could not give the project config: " + why,
        java.util.Map.of("Retry-After", "1"));
  }
}
