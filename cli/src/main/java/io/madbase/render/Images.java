package io.madbase.render;

import io.madbase.Sha256;
import io.madbase.stack.DebianRelease;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The images a containerised stack runs: one per kind of member, all on one Debian base
 * (docker.base_image, of the release docker.debian names), each built from that release's packages.
 * An image is named by what went into it ({@code madbase/postgres:<12 hex digits of its
 * Dockerfile's SHA-256>}; the gateway's also by its jar), so a changed Dockerfile or jar is a new
 * image and an unchanged one is built once.
 */
public enum Images {
  ETCD,
  POSTGRES,
  HAPROXY,
  REDIS,
  GATEWAY;

  /** The image a member of {@code role} runs. */
  public static Images of(Role role) {
    return switch (role) {
      case ETCD -> ETCD;
      case POSTGRES -> POSTGRES;
      case HAPROXY -> HAPROXY;
      case REDIS, SENTINEL -> REDIS;
      case GATEWAY, WORKER -> GATEWAY;
    };
  }

  /** Its directory in the rendered project: images/postgres. */
  public String dir() {
    return "images/" + name().toLowerCase(Locale.ROOT);
  }

  public String dockerfile(StackSpec spec) {
    var d = spec.docker();
    DebianRelease release = DebianRelease.of(d);
    String mirror = d.debianMirror().replaceAll("/+$", "");
    String prelude =
        Template.load("compose/prelude.Dockerfile")
            .render(
                Map.of(
                    "base_image",
                    d.baseImage(),
                    "suite",
                    release.codename(),
                    "mirror",
                    mirror,
                    "security_mirror",
                    mirror.endsWith("/debian") ? mirror + "-security" : mirror));
    // one template per image; what differs between releases comes in as values, so a bookworm
    // Dockerfile is byte for byte what it was before trixie existed (same hash, no rebuild)
    Map<String, String> values = new HashMap<>();
    values.put("prelude", prelude.strip());
    switch (this) {
      case POSTGRES -> {
        values.put(
            "postgres_note",
            release == DebianRelease.BOOKWORM
                ? "Patroni and PostgreSQL 15 from Debian: the versions the local driver runs."
                : "Patroni and PostgreSQL "
                    + release.postgresMajor()
                    + " from Debian "
                    + release.version()
                    + " ("
                    + release.codename()
                    + ").");
        values.put("postgres_packages", String.join(" ", release.postgresPackages()));
        values.put("postgres_bin", release.postgresBin());
      }
      case GATEWAY -> values.put("java_package", release.javaPackage());
      default -> {}
    }
    return Template.load("compose/" + name().toLowerCase(Locale.ROOT) + ".Dockerfile")
        .render(values);
  }

  /** {@code madbase/<kind>:<hash>}: the Dockerfile, and for the gateway madbase's jar. */
  public String tag(StackSpec spec) {
    String what = dockerfile(spec) + (this == GATEWAY ? "\njar " + OwnJar.digest() : "");
    return "madbase/" + name().toLowerCase(Locale.ROOT) + ":" + Sha256.of(what, 6);
  }
}
