package io.madbase.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpecLoader;
import io.madbase.testing.Binaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real tools accept what madbase renders: haproxy -c, docker-compose config. */
class RealToolsAcceptRenderedConfigTest {
  @TempDir Path dir;

  static final List<String> SPECS =
      List.of(
          "",
          "failover:\n  profile: patroni-defaults\n",
          "postgres:\n  nodes: 5\n  max_connections: 400\nhaproxy:\n  server_maxconn: 300\n",
          // two gateways: HAProxy's HTTP listener in front of them
          "gateway:\n  instances: 2\n");

  @ParameterizedTest(name = "spec #{0}")
  @ValueSource(ints = {0, 1, 2, 3})
  void haproxyAcceptsEveryRenderedConfig(int specIndex) throws Exception {
    Path haproxy = Binaries.require("haproxy");
    for (RenderTarget target : RenderTarget.values()) {
      Path out = dir.resolve(target.id() + specIndex);
      var layout = LocalLayout.of(dir.resolve("state"));
      Files.createDirectories(layout.runDir()); // the stats socket lives there
      var files =
          StackRenderer.render(
              RenderContext.of(
                  StackSpecLoader.parse("t.yaml", SPECS.get(specIndex)),
                  Secrets.generate(),
                  target,
                  layout));
      StackRenderer.write(files, out);
      Result r =
          run(
              List.of(
                  haproxy.toString(), "-c", "-f", out.resolve("haproxy/haproxy.cfg").toString()));
      assertThat(r.code()).as("%s haproxy -c:%n%s", target, r.output()).isZero();
      assertThat(r.output()).contains("Configuration file is valid");
    }
  }

  @ParameterizedTest(name = "spec #{0}")
  @ValueSource(ints = {0, 2})
  void dockerComposeValidatesTheRenderedProject(int specIndex) throws Exception {
    Path compose = Binaries.require("docker-compose");
    Path out = dir.resolve("compose");
    StackRenderer.write(
        StackRenderer.render(
            RenderContext.of(
                StackSpecLoader.parse("t.yaml", SPECS.get(specIndex)),
                Secrets.generate(),
                RenderTarget.COMPOSE,
                LocalLayout.of(dir.resolve("state")))),
        out);
    Result r =
        run(
            List.of(
                compose.toString(),
                "-f",
                out.resolve("docker-compose.yml").toString(),
                "config",
                "-q"));
    assertThat(r.code()).as("docker-compose config:%n%s", r.output()).isZero();
    Result services =
        run(
            List.of(
                compose.toString(),
                "-f",
                out.resolve("docker-compose.yml").toString(),
                "config",
                "--services"));
    assertThat(services.output().lines()).contains("haproxy", "pg1", "e1", "s1", "gw1");
  }

  record Result(int code, String output) {}

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
