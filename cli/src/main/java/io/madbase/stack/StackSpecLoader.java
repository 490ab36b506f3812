package io.madbase.stack;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code madbase.yaml} into a validated {@link StackSpec}, in one step: syntax, unknown keys,
 * wrong types, then every range and contradiction. Problems come back as a {@link SpecException}
 * naming the file, line and field of each.
 */
public final class StackSpecLoader {
  /** The file looked for in the working directory when no {@code -f} is given. */
  public static final String DEFAULT_FILE = "madbase.yaml";

  private StackSpecLoader() {}

  /** A spec that has passed validation, with where it came from and its text ("" for defaults). */
  public record Loaded(StackSpec spec, String source, String text, boolean fromFile) {}

  /**
   * Loads {@code file}. When {@code required} is false and the file does not exist, the defaults
   * are used (no file is needed at all); when it is true (the user named it with {@code -f}), a
   * missing file is an error.
   */
  public static Loaded load(Path file, boolean required) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (required) {
        throw MadbaseException.invalidInput(file + ": no such file");
      }
      return new Loaded(StackSpec.defaults(), "defaults", "", false);
    } catch (IOException e) {
      throw MadbaseException.invalidInput(file + ": cannot read: " + e.getMessage());
    }
    return new Loaded(parse(file.toString(), text), file.toString(), text, true);
  }

  /** Parses and validates {@code text}; {@code source} names it in errors. */
  public static StackSpec parse(String source, String text) {
    YamlBinder.Bound<StackSpec> bound =
        YamlBinder.bind(source, text, StackSpec.class, StackSpec::defaults);
    List<SpecError> errors = StackSpecValidator.validate(bound.value(), source, bound.where());
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
    return bound.value();
  }
}
