package io.madbase.cli;

import java.io.PrintWriter;

/** The entry point: one line, as picocli and jbang do it. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        Madbase.commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
            .execute(args));
  }
}
