package io.madbase;

/**
 * The exit codes of every madbase command, in one place (see DESIGN.md, "Exit codes").
 *
 * <p>CI pipelines branch on these, so their meaning never changes: 0 success, 1 a check or SLO
 * failed, 2 usage or invalid input, 3 environment, 4 a bug in madbase.
 */
public final class ExitCode {
  /** Success; every check and SLO met. */
  public static final int OK = 0;

  /** The command ran, and a health check or an SLO failed. */
  public static final int CHECK_FAILED = 1;

  /** Bad flag, bad madbase.yaml, bad scenario file: the message names the file, line and field. */
  public static final int INVALID_INPUT = 2;

  /** Missing binary, port taken, no stack running, Docker engine unreachable. */
  public static final int ENVIRONMENT = 3;

  /** An unexpected failure inside madbase: a bug to report. */
  public static final int INTERNAL = 4;

  private ExitCode() {}
}
