package io.madbase.render;

import java.nio.file.Path;

/**
 * Where the local driver keeps each member's files. Everything lives under the state directory,
 * except that PostgreSQL's data and sockets live under {@code pgRoot}, which must be reachable by
 * the unprivileged user PostgreSQL runs as (the state directory itself when it is).
 */
public record LocalLayout(Path stateDir, Path pgRoot) {
  public static final String POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

  public LocalLayout {
    stateDir = stateDir.toAbsolutePath().normalize();
    pgRoot = pgRoot.toAbsolutePath().normalize();
  }

  public static LocalLayout of(Path stateDir) {
    return new LocalLayout(stateDir, stateDir);
  }

  public Path confDir() {
    return stateDir.resolve("conf");
  }

  public Path logDir() {
    return stateDir.resolve("logs");
  }

  public Path runDir() {
    return stateDir.resolve("run");
  }

  public Path dataDir(String member) {
    return stateDir.resolve("data").resolve(member);
  }

  public Path logFile(String member) {
    return logDir().resolve(member + ".log");
  }

  public Path pidFile(String member) {
    return runDir().resolve(member + ".pid");
  }

  public Path pgDataDir(String member) {
    return pgRoot.resolve("pgdata").resolve(member);
  }

  public Path pgSocketDir(String member) {
    return pgRoot.resolve("pgsock").resolve(member);
  }

  public Path pgpass(String member) {
    return pgRoot.resolve("pgrun").resolve("pgpass-" + member);
  }

  /** The list of worker URLs the gateway polls (dynamic discovery for the local stack). */
  public Path workersFile() {
    return stateDir.resolve("workers.list");
  }
}
