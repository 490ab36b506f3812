package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.madbase.MadbaseException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The Docker Engine madbase talks to, through the Engine API (docker-java with its zerodep
 * transport): {@code DOCKER_HOST} when set (or the {@code madbase.docker.host} system property),
 * else the local socket. Closing twice is safe.
 */
public final class DockerEngine implements AutoCloseable {
  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  private final DockerClient client;
  private final String host;
  private boolean closed;

  private DockerEngine(DockerClient client, String host) {
    this.client = client;
    this.host = host;
  }

  /** Connects and pings the engine; exit 3 saying how to start one when none answers. */
  public static DockerEngine connect() {
    DockerEngine engine = open();
    Optional<String> problem = engine.ping();
    if (problem.isPresent()) {
      engine.close();
      throw MadbaseException.environment(
          "no Docker engine answers at "
              + engine.host
              + " ("
              + problem.get()
              + ")\n  fix: start one (as root: dockerd >/var/log/dockerd.log 2>&1 &), or install it"
              + " with scripts/install-deps.sh, or point DOCKER_HOST at one");
    }
    return engine;
  }

  /** A client, not yet checked: {@link #ping} says whether an engine answers. */
  public static DockerEngine open() {
    String host =
        System.getProperty(
            "madbase.docker.host", System.getenv().getOrDefault("DOCKER_HOST", DEFAULT_HOST));
    DockerClientConfig cfg =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    DockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(cfg.getDockerHost())
            .sslConfig(cfg.getSSLConfig())
            .maxConnections(50)
            .connectionTimeout(Duration.ofSeconds(5))
            // an image build or a container stop can take minutes before the engine answers
            .responseTimeout(Duration.ofMinutes(20))
            .build();
    return new DockerEngine(DockerClientImpl.getInstance(cfg, http), host);
  }

  /** Empty when the engine answers; otherwise what went wrong. */
  public Optional<String> ping() {
    try {
      client.pingCmd().exec();
      return Optional.empty();
    } catch (DockerException e) {
      return Optional.of(e.getMessage().strip());
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Optional.of(
          "cannot connect: "
              + (cause.getMessage() != null ? cause.getMessage() : "no answer (" + cause + ")"));
    }
  }

  /** The engine's version ("20.10.24"), or empty if it cannot be read. */
  public Optional<String> version() {
    try {
      return Optional.ofNullable(client.versionCmd().exec().getVersion());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public DockerClient api() {
    return client;
  }

  public String host() {
    return host;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      client.close();
    } catch (IOException e) {
      // nothing left to do with a client we are done with
    }
  }
}
