package io.madbase;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.madbase.common.Durations;
import java.io.IOException;
import java.time.Duration;

/** The JSON madbase prints and writes: snake_case keys like the YAML, durations as "2s". */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .addModule(
              new SimpleModule("madbase-json")
                  .addSerializer(Duration.class, new DurationSerializer()))
          .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Why a file madbase wrote does not read back, without the parser's own words: "not the JSON
   * madbase writes (line 3)".
   */
  public static String damage(com.fasterxml.jackson.core.JsonProcessingException e) {
    var loc = e.getLocation();
    return "not the JSON madbase writes"
        + (loc != null && loc.getLineNr() > 0 ? " (line " + loc.getLineNr() + ")" : "");
  }

  /** Pretty JSON of {@code value}. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }

  private static final class DurationSerializer extends StdSerializer<Duration> {
    DurationSerializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(Durations.format(value));
    }
  }
}
