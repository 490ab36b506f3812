package io.madbase.testkit;

import io.madbase.common.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 server on 127.0.0.1 and a free port, in a temporary directory, with password
 * (scram) authentication over TCP. It can be stopped and started again on the same port and data to
 * simulate an outage. {@link #close()} stops it by PID and deletes its files.
 */
public final class PostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
  public static final String SUPERUSER = "postgres";

  private final Path root;
  private final Path dataDir;
  private final Path socketDir;
  private final int port;
  private final String superuserPassword;
  private final Map<String, String> settings;
  private ManagedProcess process;
  private boolean closed;

  private PostgresServer(
      Path root, int port, String superuserPassword, Map<String, String> settings) {
    this.root = root;
    this.settings = settings;
    this.dataDir = root.resolve("data");
    this.socketDir = root.resolve("sock");
    this.port = port;
    this.superuserPassword = superuserPassword;
  }

  /** initdb a new cluster and start it. */
  public static PostgresServer start() {
    return start(Map.of());
  }

  /**
   * As {@link #start()}, with server settings ({@code -c name=value}) that replace the defaults,
   * e.g. {@code max_connections} for a test that opens more than a hundred sessions.
   */
  public static PostgresServer start(Map<String, String> settings) {
    Path initdb = Binaries.postgres("initdb");
    PostgresServer pg =
        new PostgresServer(
            TempDirs.create("testkit-pg-"), FreePorts.next(), randomSecret(), Map.copyOf(settings));
    try {
      pg.init(initdb);
      pg.startProcess();
      return pg;
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /**
   * A streaming replica of {@code primary}: a base backup ({@code pg_basebackup -R}), started as a
   * hot standby on its own port, returned once the primary lists it as streaming. Same roles,
   * passwords and data as the primary; read-only until {@link #promote()}.
   */
  public static PostgresServer startReplicaOf(PostgresServer primary) {
    PostgresServer replica =
        new PostgresServer(
            TempDirs.create("testkit-pg-replica-"),
            FreePorts.next(),
            primary.superuserPassword,
            primary.settings);
    try {
      replica.copyOf(primary);
      replica.startProcess();
      Wait.until(
          "the primary on port " + primary.port + " to stream to its replica on " + replica.port,
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            int streaming =
                primary.queryInt(
                    "SELECT count(*) FROM pg_stat_replication"
                        + " WHERE state = 'streaming' AND application_name = '"
                        + replica.replicaName()
                        + "'");
            return streaming == 1 ? null : "pg_stat_replication lists no streaming replica yet";
          });
      return replica;
    } catch (RuntimeException e) {
      replica.close();
      throw e;
    }
  }

  private String replicaName() {
    return "testkit-replica-" + port;
  }

  /** pg_basebackup as the server user; the password travels in a 0600 passfile, not argv. */
  private void copyOf(PostgresServer primary) {
    try {
      Files.createDirectory(
          dataDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectory(socketDir);
      Path passfile = root.resolve("pgpass");
      Files.writeString(
          passfile,
          FreePorts.HOST + ":" + primary.port + ":*:" + SUPERUSER + ":" + superuserPassword + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
      for (Path p : List.of(dataDir, socketDir, passfile)) {
        Unprivileged.chown(p);
      }
      Commands.run(
          Unprivileged.command(
              List.of(
                  Binaries.postgres("pg_basebackup").toString(),
                  "-D",
                  dataDir.toString(),
                  "-d",
                  "host="
                      + FreePorts.HOST
                      + " port="
                      + primary.port
                      + " user="
                      + SUPERUSER
                      + " passfile="
                      + passfile
                      + " application_name="
                      + replicaName(),
                  // -R: standby.signal and primary_conninfo (with the passfile) for streaming
                  "-R",
                  "-X",
                  "stream",
                  "-c",
                  "fast",
                  "--no-sync")),
          Duration.ofSeconds(120));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a replica's data directory under " + root, e);
    }
  }

  /** Whether the server is a standby ({@code pg_is_in_recovery()}). */
  public boolean inRecovery() {
    return queryInt("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END") == 1;
  }

  /** Promotes a standby to a primary and waits until it takes writes. */
  public void promote() {
    execute("postgres", "SELECT pg_promote(true, 30)");
    Wait.until(
        "PostgreSQL on port " + port + " to leave recovery",
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        () -> inRecovery() ? "still in recovery" : null);
  }

  /** Waits until this replica has replayed everything {@code primary} has written so far. */
  public void awaitReplayOf(PostgresServer primary) {
    // the insert position: with synchronous_commit off a commit may not be written out yet
    String lsn = primary.queryText("SELECT pg_current_wal_insert_lsn()::text");
    Wait.until(
        "the replica on port " + port + " to replay up to " + lsn,
        Duration.ofSeconds(30),
        Duration.ofMillis(50),
        () ->
            queryInt(
                        "SELECT CASE WHEN pg_last_wal_replay_lsn() >= '"
                            + lsn
                            + "'::pg_lsn THEN 1 ELSE 0 END")
                    == 1
                ? null
                : "replayed up to " + queryText("SELECT pg_last_wal_replay_lsn()::text"));
  }

  private int queryInt(String sql) {
    return Integer.parseInt(queryText(sql));
  }

  private String queryText(String sql) {
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("query failed on port " + port + ": " + e.getMessage(), e);
    }
  }

  private void init(Path initdb) {
    try {
      Files.createDirectory(
          dataDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectory(socketDir);
      Path pwfile = root.resolve("pwfile");
      Files.writeString(pwfile, superuserPassword + "\n", StandardCharsets.UTF_8);
      for (Path p : List.of(dataDir, socketDir, pwfile)) {
        Unprivileged.chown(p);
      }
      Commands.run(
          Unprivileged.command(
              List.of(
                  initdb.toString(),
                  "-D",
                  dataDir.toString(),
                  "-U",
                  SUPERUSER,
                  "--pwfile=" + pwfile,
                  "-E",
                  "UTF8",
                  "--no-locale",
                  "--no-sync",
                  "--auth-host=scram-sha-256",
                  "--auth-local=trust")),
          Duration.ofSeconds(120));
      Files.delete(pwfile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a PostgreSQL data directory under " + root, e);
    }
  }

  private void startProcess() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("listen_addresses", FreePorts.HOST);
    // throwaway test data: durability off makes the suite faster
    conf.put("fsync", "off");
    conf.put("synchronous_commit", "off");
    conf.put("full_page_writes", "off");
    conf.put("max_connections", "100");
    conf.put("shared_buffers", "32MB");
    conf.put("log_min_messages", "warning");
    conf.putAll(settings);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Binaries.postgres("postgres").toString(),
                "-D",
                dataDir.toString(),
                "-p",
                Integer.toString(port),
                "-k",
                socketDir.toString()));
    conf.forEach((name, value) -> cmd.addAll(List.of("-c", name + "=" + value)));
    process =
        ManagedProcess.start(
            "postgres:" + port, Unprivileged.command(cmd), root.resolve("postgres.log"));
    Wait.until(
        "PostgreSQL on port " + port + " to accept connections",
        Duration.ofSeconds(60),
        Duration.ofMillis(100),
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("postgres exited:\n" + process.logTail());
          }
          try (Connection c = connectAsSuperuser("postgres")) {
            return c.isValid(2) ? null : "connection not valid";
          }
        });
    log.info(
        "PostgreSQL up on {}:{} (pid {}, data {})", FreePorts.HOST, port, process.pid(), dataDir);
  }

  /** Fast shutdown (SIGINT): clients are disconnected, the data stays for {@link #restart()}. */
  public synchronized void stop() {
    if (process != null) {
      process.stop("INT", Duration.ofSeconds(30));
      process = null;
    }
  }

  /** Starts the server again on the same port and data after {@link #stop()}. */
  public synchronized void restart() {
    if (process == null || !process.isAlive()) {
      startProcess();
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The postmaster's PID, while running. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is not running");
    }
    return process.pid();
  }

  public String host() {
    return FreePorts.HOST;
  }

  public int port() {
    return port;
  }

  public String superuserPassword() {
    return superuserPassword;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + FreePorts.HOST + ":" + port + "/" + database;
  }

  /** The URL form the gateway reads ({@code postgresql://user:password@host:port/db}). */
  public String url(String user, String password, String database) {
    return "postgresql://"
        + user
        + ":"
        + password
        + "@"
        + FreePorts.HOST
        + ":"
        + port
        + "/"
        + database;
  }

  public Connection connectAsSuperuser(String database) throws SQLException {
    return connect(SUPERUSER, superuserPassword, database);
  }

  public Connection connect(String user, String password, String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    p.setProperty("ApplicationName", "testkit");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /**
   * {@code CREATE ROLE role LOGIN PASSWORD ...} and {@code CREATE DATABASE database OWNER role}.
   */
  public void createRoleAndDatabase(String role, String password, String database) {
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE ROLE "
              + quoteIdent(role)
              + " LOGIN PASSWORD '"
              + password.replace("'", "''")
              + "'");
      s.execute("CREATE DATABASE " + quoteIdent(database) + " OWNER " + quoteIdent(role));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create role " + role + " and database " + database + ": " + e.getMessage(), e);
    }
  }

  /** Runs SQL as the superuser in {@code database}. */
  public void execute(String database, String sql) {
    try (Connection c = connectAsSuperuser(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** How many sessions {@code pg_stat_activity} shows with this {@code application_name}. */
  public int sessionsNamed(String applicationName) {
    return countSessions(applicationName, "");
  }

  /** How many of them are running a statement now ({@code state = 'active'}). */
  public int activeSessionsNamed(String applicationName) {
    return countSessions(applicationName, " AND state = 'active'");
  }

  private int countSessions(String applicationName, String condition) {
    try (Connection c = connectAsSuperuser("postgres");
        var ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?" + condition)) {
      ps.setString(1, applicationName);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read pg_stat_activity on port " + port + ": " + e.getMessage(), e);
    }
  }

  static String quoteIdent(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  static String randomSecret() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
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
