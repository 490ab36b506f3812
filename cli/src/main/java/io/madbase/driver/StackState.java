package io.madbase.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.madbase.Json;
import io.madbase.MadbaseException;
import io.madbase.stack.InputFile;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What a later madbase invocation needs to find the stack this state directory holds: the spec it
 * was started with (as written), the driver, and where PostgreSQL's files are.
 *
 * @param specText the madbase.yaml text the stack was brought up with ("" for the defaults)
 * @param specSource where that text came from, for messages
 */
public record StackState(
    String driver, String specSource, String specText, String pgRoot, Instant createdAt) {
  public static final String FILE = "stack.json";
  private static final ObjectMapper JSON = Json.mapper();

  /** stack.json holds the spec's text (at most {@link InputFile#MAX_BYTES}), escaped. */
  static final int STATE_MAX_BYTES = 8 * InputFile.MAX_BYTES;

  public StackSpec spec() {
    return StackSpecLoader.parse(specSource, specText);
  }

  public static Optional<StackState> load(Path stateDir) {
    Path f = stateDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    String text;
    try {
      text = InputFile.read(f, STATE_MAX_BYTES);
    } catch (MadbaseException e) {
      throw MadbaseException.environment(
          e.getMessage() + " (the stack's state; run madbase down, or remove the state directory)");
    }
    try {
      return Optional.of(JSON.readValue(text, StackState.class));
    } catch (IOException e) {
      throw MadbaseException.environment(
          f
              + " is damaged ("
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  ? Json.damage(j)
                  : "cannot read it")
              + "); run madbase down, or remove the state directory");
    }
  }

  public void save(Path stateDir) {
    try {
      Files.createDirectories(stateDir);
      Path f = stateDir.resolve(FILE);
      Path tmp = stateDir.resolve(FILE + ".tmp");
      Files.writeString(tmp, JSON.writeValueAsString(this));
      Files.move(
          tmp,
          f,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot write " + stateDir.resolve(FILE) + ": " + e.getMessage());
    }
  }

  /** The state of a running stack, or exit code 3 saying how to start one. */
  public static StackState require(Path stateDir) {
    return load(stateDir)
        .orElseThrow(
            () ->
                MadbaseException.environment(
                    "no stack in "
                        + stateDir
                        + ": start one with `madbase up` (or point --state-dir at its state directory)"));
  }
}
