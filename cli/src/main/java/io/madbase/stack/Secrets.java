package io.madbase.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The stack's passwords, generated once per stack and kept in the state directory in a file of mode
 * 0600. There is no default password anywhere: a stack without this file gets new ones.
 *
 * @param patroniApi the password of Patroni's REST API (user {@link #PATRONI_API_USER}): its unsafe
 *     endpoints (switchover, PATCH /config, restart, ...) refuse requests without it
 */
public record Secrets(
    Secret superuser,
    Secret replication,
    Secret rewind,
    Secret app,
    Secret redis,
    Secret patroniApi) {

  public static final String FILE = "secrets.json";

  /** The user of Patroni's REST API authentication (the password is {@link #patroniApi()}). */
  public static final String PATRONI_API_USER = "madbase";

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private static final ObjectMapper JSON =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  public static Secrets generate() {
    return new Secrets(
        Secret.generate(),
        Secret.generate(),
        Secret.generate(),
        Secret.generate(),
        Secret.generate(),
        Secret.generate());
  }

  /** Every password, for masking them wherever text leaves madbase. */
  public java.util.List<Secret> all() {
    return java.util.List.of(superuser, replication, rewind, app, redis, patroniApi);
  }

  /** Loads the stack's secrets from {@code stateDir}, generating and saving them the first time. */
  public static Secrets loadOrCreate(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    if (Files.exists(file)) {
      return load(file);
    }
    Secrets fresh = generate();
    try {
      Files.createDirectories(stateDir);
      writeOwnerOnly(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fresh), false);
    } catch (FileAlreadyExistsException raced) {
      return load(file);
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + file + ": " + e.getMessage());
    }
    return fresh;
  }

  /**
   * Saves {@code fresh} as the stack's secrets in {@code stateDir}, which must have none yet: a
   * render calls it only once everything else has succeeded, so a failed render leaves no secrets.
   */
  public static void saveNew(Path stateDir, Secrets fresh) {
    Path file = stateDir.resolve(FILE);
    try {
      Files.createDirectories(stateDir);
      writeOwnerOnly(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fresh), false);
    } catch (FileAlreadyExistsException raced) {
      throw MadbaseException.environment(
          file + " appeared while rendering (another madbase at work?): render again");
    } catch (IOException e) {
      throw MadbaseException.environment("cannot write " + file + ": " + e.getMessage());
    }
  }

  /** Loads existing secrets; a file readable by others is refused rather than used. */
  public static Secrets load(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw MadbaseException.environment(
            file
                + " is readable by others (mode "
                + PosixFilePermissions.toString(perms)
                + "): run chmod 600 "
                + file);
      }
      Secrets s = JSON.readValue(InputFile.read(file, 64 * 1024), Secrets.class);
      if (s.patroniApi() == null && s.superuser() != null) {
        // a stack made before Patroni's REST API had a password: give it one now; its nodes take
        // it up when they are next started with freshly rendered configs
        s =
            new Secrets(
                s.superuser(), s.replication(), s.rewind(), s.app(), s.redis(), Secret.generate());
        writeOwnerOnly(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s), true);
      }
      if (s.superuser() == null
          || s.replication() == null
          || s.rewind() == null
          || s.app() == null
          || s.redis() == null) {
        throw MadbaseException.invalidInput(
            file
                + ": a password is missing; delete the file to generate new ones (only on a stack that is down and purged)");
      }
      return s;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw MadbaseException.invalidInput(
          file
              + " is damaged ("
              + io.madbase.Json.damage(e)
              + "); delete it to generate new passwords (only on a stack that is down and purged)");
    } catch (IOException e) {
      throw MadbaseException.invalidInput(file + ": cannot read secrets: " + e.getMessage());
    }
  }

  /**
   * Writes {@code content} to {@code file} with mode 0600 from the first byte (the file is created
   * with that mode, never chmod-ed afterwards), via a temporary file and an atomic rename.
   */
  public static void writeOwnerOnly(Path file, String content, boolean replace) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    if (!replace && Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Path tmp =
        Files.createTempFile(
            dir,
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, content);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String toString() {
    return "Secrets[all " + Secret.MASK + "]";
  }
}
