package io.madbase.cli;

import picocli.CommandLine.Option;

/** {@code -v} shows stack traces and detail; {@code -q} keeps stderr to errors only. */
public final class VerbosityOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Show more detail, and stack traces on errors.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no progress, only results and errors.")
  boolean quiet;

  public boolean verbose() {
    return verbose;
  }

  public boolean quiet() {
    return quiet;
  }
}
