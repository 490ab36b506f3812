package io.madbase.stack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Patroni's {@code synchronous_mode}: whether a commit waits until a standby has the WAL.
 *
 * <ul>
 *   <li>{@code off} (Patroni's default): replication is asynchronous; a failover can lose what the
 *       old primary acknowledged and had not yet streamed.
 *   <li>{@code on}: one standby is synchronous, and only it may be promoted, so a failover loses no
 *       acknowledged write. When no standby is left, Patroni turns synchronous replication off and
 *       the primary goes on taking writes alone.
 *   <li>{@code strict} ({@code synchronous_mode_strict}): as {@code on}, but with no standby left
 *       the primary takes no writes at all (commits wait) rather than acknowledge one that only it
 *       has.
 * </ul>
 *
 * In madbase.yaml {@code true} and {@code false} (the values this setting took before) still mean
 * {@code on} and {@code off}.
 */
@JsonDeserialize(using = SynchronousMode.Reader.class)
public enum SynchronousMode {
  OFF("off"),
  ON("on"),
  STRICT("strict");

  private final String id;

  SynchronousMode(String id) {
    this.id = id;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String id() {
    return id;
  }

  /** Whether commits wait for a standby at all (on or strict). */
  public boolean synchronous() {
    return this != OFF;
  }

  public static Optional<SynchronousMode> find(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
  }

  /** What Patroni's {@code GET /config} says: {@code synchronous_mode} and its strict flag. */
  public static SynchronousMode fromPatroni(boolean synchronousMode, boolean strict) {
    return !synchronousMode ? OFF : strict ? STRICT : ON;
  }

  @Override
  public String toString() {
    return id;
  }

  /**
   * Reads off / on / strict, and true / false. YAML 1.1 readers take a bare {@code on} or {@code
   * off} for a boolean; both spellings end up here and mean the same.
   */
  static final class Reader extends JsonDeserializer<SynchronousMode> {
    @Override
    public SynchronousMode deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_TRUE) {
        return ON;
      }
      if (t == JsonToken.VALUE_FALSE) {
        return OFF;
      }
      String text = p.getText();
      if (t == JsonToken.VALUE_STRING) {
        Optional<SynchronousMode> m = find(text);
        if (m.isPresent()) {
          return m.get();
        }
      }
      throw InvalidFormatException.from(p, "not a synchronous mode", text, SynchronousMode.class);
    }
  }
}
