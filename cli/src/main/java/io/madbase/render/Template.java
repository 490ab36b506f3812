package io.madbase.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template from {@code compose-templates/} with {@code {{name}}} placeholders. Strict both ways:
 * a placeholder without a value and a value without a placeholder are bugs, reported as such, so a
 * renamed key can never leave an empty setting in a config file.
 */
public final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
  private final String name;
  private final String text;

  private Template(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /** Loads {@code compose-templates/<name>} from the classpath. */
  public static Template load(String name) {
    String resource = "compose-templates/" + name;
    try (InputStream in = Template.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("template missing from the build: " + resource);
      }
      return new Template(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 256);
    TreeSet<String> used = new TreeSet<>();
    while (m.find()) {
      String key = m.group(1);
      String value = values.get(key);
      if (value == null) {
        throw new IllegalStateException("template " + name + " needs a value for {{" + key + "}}");
      }
      used.add(key);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    TreeSet<String> unused = new TreeSet<>(values.keySet());
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      throw new IllegalStateException("template " + name + " has no place for " + unused);
    }
    return out.toString();
  }
}
