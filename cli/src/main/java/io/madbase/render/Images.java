package io.madbase.render;

import io.madbase.Sha256;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import java.util.Locale;
import java.util.Map;

/**
 * The images a containerised stack runs: one per kind of member, all on one Debian bookworm base
 * (docker.base_image), each built from Debian's packages. An image is named by what went into it
 * ({@code madbase/postgres:<12 hex digits of its Dockerfile's SHA-256>}; the gateway's also by its
 * jar), so a changed Dockerfile or jar is a new image and an unchanged one is built once.
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
    String mirror = d.debianMirror().replaceAll("/+$", "");
    String prelude =
        Template.load("compose/prelude.Dockerfile")
            .render(
                Map.of(
                    "base_image",
                    d.baseImage(),
                    "mirror",
                    mirror,
                    "security_mirror",
                    mirror.endsWith("/debian") ? mirror + "-security" : mirror));
    return Template.load("compose/" + name().toLowerCase(Locale.ROOT) + ".Dockerfile")
        .render(Map.of("prelude", prelude.strip()));
  }

  /** {@code madbase/<kind>:<hash>}: the Dockerfile, and for the gateway madbase's jar. */
  public String tag(StackSpec spec) {
    String what = dockerfile(spec) + (this == GATEWAY ? "\njar " + OwnJar.digest() : "");
    return "madbase/" + name().toLowerCase(Locale.ROOT) + ":" + Sha256.of(what, 6);
  }
}
