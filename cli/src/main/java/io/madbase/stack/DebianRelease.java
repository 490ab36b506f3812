package io.madbase.stack;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Debian release the docker driver's images are built on ({@code docker.debian}), and what
 * differs between releases in those images: the package names and paths that carry a version. The
 * rest (etcd, HAProxy, Redis, Patroni) keeps its package name and only changes version. Versions
 * are those of Debian's archive when this was written (checked against each release's package
 * index): they say what a user gets, the images name packages, not versions.
 */
public enum DebianRelease {
  /** Debian 12: what the local driver runs on these machines. */
  BOOKWORM(
      "bookworm",
      12,
      15,
      List.of("patroni", "postgresql-15"),
      "openjdk-17-jre-headless",
      0,
      "PostgreSQL 15, Patroni 3.0.2, etcd 3.4, HAProxy 2.6, Redis 7.0, OpenJDK 17"),
  /**
   * Debian 13. No openjdk-17 (21 runs madbase's Java 17 jar); Patroni 4.0.7 has the leader-key fix
   * of 3.0.3 and a minimum ttl of 20 s.
   */
  TRIXIE(
      "trixie",
      13,
      17,
      // trixie's patroni lets python3-consul stand for its DCS client, and apt without recommends
      // takes that: Patroni then finds no etcd ("Available implementations: consul, kubernetes")
      List.of("patroni", "python3-etcd", "postgresql-17"),
      "openjdk-21-jre-headless",
      20,
      "PostgreSQL 17, Patroni 4.0.7, etcd 3.5, HAProxy 3.0, Redis 8.0, OpenJDK 21");

  public static final DebianRelease DEFAULT = BOOKWORM;

  /** debian:bookworm, debian:12, debian:12.8-slim, docker.io/library/debian:trixie-20251117... */
  private static final Pattern DEBIAN_IMAGE =
      Pattern.compile("(?:(?:docker\\.io/)?library/)?debian:([a-z]+|\\d+)(?:[.\\-].*)?");

  private final String codename;
  private final int version;
  private final int postgresMajor;
  private final List<String> postgresPackages;
  private final String javaPackage;
  private final int patroniMinimumTtl;
  private final String versions;

  DebianRelease(
      String codename,
      int version,
      int postgresMajor,
      List<String> postgresPackages,
      String javaPackage,
      int patroniMinimumTtl,
      String versions) {
    this.codename = codename;
    this.version = version;
    this.postgresMajor = postgresMajor;
    this.postgresPackages = postgresPackages;
    this.javaPackage = javaPackage;
    this.patroniMinimumTtl = patroniMinimumTtl;
    this.versions = versions;
  }

  /** As {@code docker.debian} spells it: bookworm, trixie. */
  public String codename() {
    return codename;
  }

  public int version() {
    return version;
  }

  /** PostgreSQL's major version in this release: its package is postgresql-N. */
  public int postgresMajor() {
    return postgresMajor;
  }

  /** What the postgres image installs: Patroni, its etcd client, PostgreSQL. */
  public List<String> postgresPackages() {
    return postgresPackages;
  }

  /** Where Debian puts that PostgreSQL's programs (Patroni's bin_dir). */
  public String postgresBin() {
    return "/usr/lib/postgresql/" + postgresMajor + "/bin";
  }

  /** The Java runtime package for the gateway and workers (madbase's jar is Java 17 bytecode). */
  public String javaPackage() {
    return javaPackage;
  }

  /** The smallest ttl this release's Patroni keeps: it raises a lower one to this; 0 for none. */
  public int patroniMinimumTtl() {
    return patroniMinimumTtl;
  }

  /** The versions its images run, for docs and messages. */
  public String versions() {
    return versions;
  }

  /** {@code debian:<codename>}: the base image when docker.base_image is not set. */
  public String baseImage() {
    return "debian:" + codename;
  }

  public static Optional<DebianRelease> find(String codename) {
    return Arrays.stream(values()).filter(r -> r.codename.equals(codename)).findFirst();
  }

  /** The release docker.debian names; the default for a name validation has refused. */
  public static DebianRelease of(StackSpec.Docker docker) {
    return find(docker.debian()).orElse(DEFAULT);
  }

  /**
   * The release an image name says it is, when it is Debian's own image by codename or version
   * (debian:trixie, debian:13-slim); empty for any other name, which madbase cannot read.
   */
  public static Optional<DebianRelease> named(String image) {
    Matcher m = DEBIAN_IMAGE.matcher(image);
    if (!m.matches()) {
      return Optional.empty();
    }
    String tag = m.group(1);
    return Arrays.stream(values())
        .filter(r -> r.codename.equals(tag) || Integer.toString(r.version).equals(tag))
        .findFirst();
  }

  /** "bookworm (Debian 12) or trixie (Debian 13)". */
  public static String known() {
    return Arrays.stream(values())
        .map(r -> r.codename + " (Debian " + r.version + ")")
        .collect(Collectors.joining(" or "));
  }
}
