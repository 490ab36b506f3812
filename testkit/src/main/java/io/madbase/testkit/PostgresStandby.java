package io.madbase.testkit;

import io.madbase.common.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real streaming standby of a {@link PostgresServer} ({@code pg_basebackup -R}), known to the
 * primary by its {@code application_name}. {@link #makeSynchronous(String)} makes the primary's
 * commits in a database wait for it, as Patroni's synchronous_mode does; {@link #stop()} takes it
 * away, so such commits wait until it is back. {@link #close()} stops it and deletes its files.
 */
public final class PostgresStandby implements AutoCloseable {
  private final PostgresServer primary;
  private final String applicationName;
  private final Path root;
  private final Path dataDir;
  private final int port;
  private ManagedProcess process;
  private boolean closed;

  private PostgresStandby(PostgresServer primary, String applicationName, Path root, int port) {
    this.primary = primary;
    this.applicationName = applicationName;
    this.root = root;
    this.dataDir = root.resolve("data");
    this.port = port;
  }

  /** Clones {@code primary} and starts streaming from it as {@code applicationName}. */
  public static PostgresStandby of(PostgresServer primary, String applicationName) {
    PostgresStandby s =
        new PostgresStandby(
            primary, applicationName, TempDirs.create("testkit-standby-"), FreePorts.next());
    try {
      s.cloneFromPrimary();
      s.start();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void cloneFromPrimary() {
    try {
      Files.createDirectory(root.resolve("sock"));
      Unprivileged.chown(root);
      Unprivileged.chown(root.resolve("sock"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + root, e);
    }
    // the connection string goes into primary_conninfo (-R) with the password: the standby
    // reconnects with it after a restart
    String conninfo =
        "host="
            + primary.host()
            + " port="
            + primary.port()
            + " user="
            + PostgresServer.SUPERUSER
            + " password="
            + primary.superuserPassword()
            + " application_name="
            + applicationName;
    Commands.run(
        Unprivileged.command(
            List.of(
                Binaries.postgres("pg_basebackup").toString(),
                "-D",
                dataDir.toString(),
                "-R",
                "-X",
                "stream",
                "--no-sync",
                // a spread checkpoint took ~100 s here before the copy started
                "--checkpoint=fast",
                "-d",
                conninfo)),
        Duration.ofSeconds(120));
  }

  private void start() {
    process =
        ManagedProcess.start(
            "postgres-standby:" + port,
            Unprivileged.command(
                List.of(
                    Binaries.postgres("postgres").toString(),
                    "-D",
                    dataDir.toString(),
                    "-p",
                    Integer.toString(port),
                    "-k",
                    root.resolve("sock").toString(),
                    "-c",
                    "listen_addresses=" + FreePorts.HOST,
                    "-c",
                    "hot_standby=on",
                    "-c",
                    "log_min_messages=warning")),
            root.resolve("standby.log"));
    Wait.until(
        "standby " + applicationName + " streaming from port " + primary.port(),
        Duration.ofSeconds(60),
        Duration.ofMillis(100),
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("standby exited:\n" + process.logTail());
          }
          return streaming() ? null : "not in pg_stat_replication as streaming";
        });
  }

  /** Whether the primary lists this standby as streaming. */
  public boolean streaming() throws java.sql.SQLException {
    try (Connection c = primary.connectAsSuperuser("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming'")) {
      ps.setString(1, applicationName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  /**
   * Makes commits in {@code database} on the primary wait until this standby has flushed them: the
   * primary's {@code synchronous_standby_names} names it and the database commits with {@code
   * synchronous_commit = on} (the test server runs with it off for speed).
   */
  public void makeSynchronous(String database) {
    primary.execute(
        "postgres", "ALTER SYSTEM SET synchronous_standby_names = '" + applicationName + "'");
    primary.execute("postgres", "SELECT pg_reload_conf()");
    primary.execute(
        "postgres",
        "ALTER DATABASE " + PostgresServer.quoteIdent(database) + " SET synchronous_commit = on");
    Wait.until(
        "standby " + applicationName + " to be synchronous",
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        () -> {
          try (Connection c = primary.connectAsSuperuser("postgres");
              Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                          + applicationName
                          + "'")) {
            String st = rs.next() ? rs.getString(1) : "absent";
            return "sync".equals(st) ? null : "sync_state " + st;
          }
        });
  }

  /** Fast shutdown: commits that wait for this standby keep waiting. */
  public synchronized void stop() {
    if (process != null) {
      process.stop("INT", Duration.ofSeconds(30));
      process = null;
    }
  }

  /** Starts it again after {@link #stop()}; it resumes streaming. */
  public synchronized void restart() {
    if (process == null || !process.isAlive()) {
      start();
    }
  }

  /** Connects to the standby (read-only) as the superuser. */
  public Connection connectAsSuperuser(String database) throws java.sql.SQLException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", PostgresServer.SUPERUSER);
    p.setProperty("password", primary.superuserPassword());
    p.setProperty("connectTimeout", "5");
    return java.sql.DriverManager.getConnection(
        "jdbc:postgresql://" + FreePorts.HOST + ":" + port + "/" + database, p);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      TempDirs.deleteQuietly(root);
    }
  }
}
