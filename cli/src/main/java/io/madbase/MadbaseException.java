package io.madbase;

/**
 * An expected failure with a message for the user and the exit code it maps to.
 *
 * <p>Thrown by the domain packages; the CLI prints {@link #getMessage()} without a stack trace
 * (unless {@code -v}) and exits with {@link #exitCode()}.
 */
public class MadbaseException extends RuntimeException {
  private final int exitCode;

  public MadbaseException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public MadbaseException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Bad input from the user (exit 2). */
  public static MadbaseException invalidInput(String message) {
    return new MadbaseException(ExitCode.INVALID_INPUT, message);
  }

  /** The machine is not ready: missing binary, port taken, no stack (exit 3). */
  public static MadbaseException environment(String message) {
    return new MadbaseException(ExitCode.ENVIRONMENT, message);
  }

  /** A check or SLO failed (exit 1). */
  public static MadbaseException checkFailed(String message) {
    return new MadbaseException(ExitCode.CHECK_FAILED, message);
  }
}
