package io.madbase.gateway;

import java.util.List;

/** Invalid configuration: every problem found, each naming its variable or flag. Exit code 2. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
