package io.madbase.stack;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.util.List;
import java.util.stream.Collectors;

/** An input file with one or more problems; exit code 2, one located line per problem. */
public final class SpecException extends MadbaseException {
  private final List<SpecError> errors;

  public SpecException(List<SpecError> errors) {
    super(ExitCode.INVALID_INPUT, format(errors));
    this.errors = List.copyOf(errors);
  }

  public List<SpecError> errors() {
    return errors;
  }

  private static String format(List<SpecError> errors) {
    String lines = errors.stream().map(SpecError::toString).collect(Collectors.joining("\n"));
    return errors.size() == 1
        ? lines
        : errors.size() + " problems in " + errors.get(0).file() + ":\n" + lines;
  }
}
