package io.madbase.cli;

import java.io.PrintWriter;
import java.util.Arrays;

/** The entry point: one line, as picocli and jbang do it. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        Madbase.commandLine(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                namesChaos(args))
            .execute(args));
  }

  /**
   * Whether the command line reaches {@code madbase chaos} ({@code chaos ...}, {@code help chaos}):
   * only then are the bundled scenarios built as its subcommands.
   */
  static boolean namesChaos(String[] args) {
    return Arrays.asList(args).contains("chaos");
  }
}
