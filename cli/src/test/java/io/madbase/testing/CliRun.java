package io.madbase.testing;

import io.madbase.cli.Madbase;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the whole madbase command line in-process, as a user would, and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Madbase.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
