package io.madbase.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}: results go to stdout in that form, so {@code | jq} always works. */
public final class OutputOptions {
  public enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Result format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  public boolean json() {
    return format == Format.json;
  }
}
