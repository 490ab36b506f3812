package io.madbase.driver.docker;

import io.madbase.driver.OsUser;
import io.madbase.driver.Preflight;
import io.madbase.render.Images;
import io.madbase.stack.DebianRelease;
import io.madbase.stack.Member;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code madbase doctor} checks for the docker driver: an engine that answers, the base image
 * or a way to make one, the stack's images, its published ports on 127.0.0.1, whether partitions
 * can be made here (root, nsenter, iptables), and docker-compose for running the rendered project
 * by hand.
 */
public final class DockerPreflight {
  private DockerPreflight() {}

  /** Findings for {@code spec}; the ports of {@code running} members are not checked. */
  public static List<Preflight.Finding> check(StackSpec spec, Set<String> running) {
    List<Preflight.Finding> out = new ArrayList<>();
    try (DockerEngine engine = DockerEngine.open()) {
      var problem = engine.ping();
      if (problem.isPresent()) {
        out.add(
            new Preflight.Finding(
                "docker",
                false,
                "no Docker engine answers at " + engine.host() + " (" + problem.get() + ")",
                "start one (as root: dockerd >/var/log/dockerd.log 2>&1 &), or point DOCKER_HOST"
                    + " at one; scripts/install-deps.sh installs docker.io"));
        return out;
      }
      out.add(
          new Preflight.Finding(
              "docker",
              true,
              "Docker engine " + engine.version().orElse("?") + " answers at " + engine.host(),
              ""));
      String base = spec.docker().baseImage();
      // debootstrap builds only the release's own image (debian:<docker.debian>)
      boolean buildable = base.equals(DebianRelease.of(spec.docker()).baseImage());
      boolean debootstrap = Files.isExecutable(Path.of(DebootstrapBase.DEBOOTSTRAP));
      if (ImageBuilder.exists(engine.api(), base)) {
        out.add(new Preflight.Finding("image", true, "base image " + base + " is present", ""));
      } else {
        boolean fallback = buildable && debootstrap;
        out.add(
            new Preflight.Finding(
                "image",
                fallback,
                "base image "
                    + base
                    + " is not present"
                    + (fallback
                        ? ": up pulls it, or builds it from Debian's packages with debootstrap"
                        : buildable
                            ? " and debootstrap is not installed to build it"
                            : ": up will try to pull it"),
                fallback ? "" : "apt-get install debootstrap (or scripts/install-deps.sh)"));
      }
      List<String> missing =
          Arrays.stream(Images.values())
              .map(i -> i.tag(spec))
              .filter(t -> !ImageBuilder.exists(engine.api(), t))
              .toList();
      out.add(
          new Preflight.Finding(
              "image",
              true,
              missing.isEmpty()
                  ? "the stack's images are built"
                  : missing.size() + " of the stack's images to build on first up: " + missing,
              ""));
    }
    Topology topo = Topology.compose(spec);
    Map<String, List<InetSocketAddress>> published = new LinkedHashMap<>();
    for (Member m : topo.members()) {
      if (!running.contains(m.name())) {
        published.put(
            m.name(),
            topo.ports(m).stream().map(p -> topo.endpoint(m, p).socketAddress()).toList());
      }
    }
    List<Preflight.Finding> ports =
        Preflight.ports(
            published,
            published.keySet(),
            "stop what holds it, or move the published ports with docker.host_port_base");
    out.addAll(ports.stream().filter(f -> !f.ok()).toList());
    out.add(
        new Preflight.Finding(
            "port",
            true,
            ports.stream().filter(Preflight.Finding::ok).count()
                + " ports on 127.0.0.1 free for the stack to publish",
            ""));
    var partitions = DockerPartitions.unavailable();
    out.add(
        new Preflight.Finding(
            "network",
            true,
            partitions
                .map(
                    why ->
                        "partitions: not available ("
                            + why
                            + (OsUser.isRoot()
                                ? "; "
                                    + Preflight.installCommand(DockerPartitions.missingPackages())
                                : "")
                            + ")")
                .orElse(
                    "partitions: iptables rules in each member's network namespace, made from the"
                        + " host with nsenter; bandwidth caps: "
                        + (io.madbase.driver.TcShaper.available()
                            ? "an HTB qdisc there (tc)"
                            : "not available (tc is missing: "
                                + Preflight.installCommand(java.util.Set.of("iproute2"))
                                + ")")),
            ""));
    boolean compose = Files.isExecutable(Path.of("/usr/bin/docker-compose"));
    out.add(
        new Preflight.Finding(
            "compose",
            true,
            compose
                ? "docker-compose is installed (to run the rendered project by hand)"
                : "docker-compose is not installed: madbase does not need it, running the rendered"
                    + " project by hand does (apt-get install --no-install-recommends"
                    + " docker-compose)",
            ""));
    return out;
  }
}
