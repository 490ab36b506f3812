package io.madbase.stack;

import io.madbase.MadbaseException;
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
   * missing file is an error. A file that is there is read through {@link InputFile}, and refused
   * when it is empty.
   */
  public static Loaded load(Path file, boolean required) {
    if (!required && !InputFile.exists(file)) {
      return new Loaded(StackSpec.defaults(), "defaults", "", false);
    }
    String text = InputFile.read(file);
    if (text.isBlank()) {
      // no file means the defaults; an empty one is almost always a write that failed
      throw MadbaseException.invalidInput(
          file
              + ": the file is empty; put settings in it (madbase init --force -f "
              + file
              + " writes every default), or remove it to use the built-in defaults");
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
