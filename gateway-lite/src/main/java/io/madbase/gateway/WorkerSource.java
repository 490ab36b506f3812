package io.madbase.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** Where the list of worker upstreams behind {@code /functions/v1/*} comes from. */
public sealed interface WorkerSource {
  /** No workers configured: {@code /functions/v1/*} answers 503. */
  record None() implements WorkerSource {}

  /** {@code WORKER_UPSTREAM_URLS}: a fixed list. */
  record Static(List<URI> urls) implements WorkerSource {}

  /** {@code WORKER_DISCOVERY_FILE}: one URL a line, re-read every interval. */
  record File(Path path) implements WorkerSource {}

  /**
   * {@code CONTROL_PLANE_URL}: {@code GET <url>/workers} answering {@code
   * {"workers":["http://…"]}}.
   */
  record ControlPlane(URI baseUrl) implements WorkerSource {}
}
