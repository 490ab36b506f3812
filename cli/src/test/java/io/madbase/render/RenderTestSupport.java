package io.madbase.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Renders a spec in memory and looks files up by path. */
final class RenderTestSupport {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private RenderTestSupport() {}

  static Map<String, RenderedFile> render(String yaml, RenderTarget target, Secrets secrets) {
    StackSpec spec = StackSpecLoader.parse("test.yaml", yaml);
    List<RenderedFile> files =
        StackRenderer.render(
            RenderContext.of(spec, secrets, target, LocalLayout.of(Path.of("/srv/madbase-state"))));
    return files.stream().collect(Collectors.toMap(RenderedFile::path, Function.identity()));
  }

  static JsonNode yaml(RenderedFile f) {
    try {
      return YAML.readTree(f.content());
    } catch (Exception e) {
      throw new AssertionError(f.path() + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** {@code KEY=value} lines of an env file. */
  static Map<String, String> env(RenderedFile f) {
    return f.content()
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("=", 2))
        .collect(Collectors.toMap(a -> a[0], a -> a[1]));
  }
}
