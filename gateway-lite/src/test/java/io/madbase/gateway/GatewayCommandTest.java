package io.madbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.common.Masking;
import io.madbase.gateway.cli.Main;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCommandTest {
  record Run(int code, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void badConfigExitsTwoNamingEveryVariableWithoutStackTraceOrSecret() {
    Run r =
        run(
            Map.of(
                "DATABASE_URL",
                "mysql://u:hunter2@h/db",
                "HOLD_DEADLINE",
                "soon",
                "PORT",
                "99999",
                "REDIS_URL",
                "redis-sentinel://pw@h1:26379,h2:26379/0"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("DATABASE_URL: not a postgresql:// URL")
        .contains("HOLD_DEADLINE: 'soon' is not a duration")
        .contains("PORT: 99999 is out of range")
        .contains("REDIS_URL: a redis-sentinel:// URL needs the master name")
        .doesNotContain("hunter2")
        .doesNotContain("\tat ");
  }

  @Test
  void flagOverridesTheVariableAndErrorsNameTheFlag() {
    Run r =
        run(Map.of("DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db"), "--database-url", "nope");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--database-url: not a postgresql:// URL");
  }

  @Test
  void tlsFilesThatAreNotSmallRegularFilesAreRefusedAtStart(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.pem");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(5L * 1024 * 1024);
    }
    Run r =
        run(
            Map.of(
                "DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db",
                "TLS_CERT", "/dev/zero",
                "TLS_KEY", big.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("TLS_CERT: /dev/zero is not a regular file")
        .contains("TLS_KEY: " + big + " is 5242880 bytes")
        .doesNotContain("\tat ");
    Run d =
        run(
            Map.of("DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db"),
            "--tls-cert",
            dir.toString(),
            "--tls-key",
            big.toString());
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err()).contains("--tls-cert: " + dir + " is a directory, not a file");
  }

  @Test
  void takenPortExitsThreeSayingWhichPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run r =
          run(
              Map.of(
                  "DATABASE_URL",
                  "postgresql://u:p@127.0.0.1:1/db",
                  "BIND_HOST",
                  "127.0.0.1",
                  "PORT",
                  Integer.toString(taken.getLocalPort())));
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
    }
  }

  @Test
  void secretsAreMaskedInUrlsAndConfigDumps() {
    assertThat(Masking.mask("postgresql://madbase_app:s3cr3t@127.0.1.10:5433/madbase"))
        .isEqualTo("postgresql://madbase_app:<masked>@127.0.1.10:5433/madbase");
    assertThat(Masking.mask("redis-sentinel://s3cr3t@h:26379/0#m"))
        .isEqualTo("redis-sentinel://<masked>@h:26379/0#m");
    String trace =
        Masking.maskedTrace(
            new IllegalStateException(
                "pool broke", new RuntimeException("postgresql://a:s3cr3t@h:5433/db refused")));
    assertThat(trace)
        .startsWith("java.lang.IllegalStateException: pool broke\n\tat ")
        .contains("Caused by: java.lang.RuntimeException: postgresql://a:<masked>@h:5433/db")
        .contains("GatewayCommandTest")
        .doesNotContain("s3cr3t");
    GatewayConfig c =
        GatewayConfig.fromEnv(
            Map.of(
                "DATABASE_URL",
                "postgresql://a:s3cr3t@h:5433/madbase",
                "REDIS_URL",
                "redis-sentinel://s3cr3t@h1:26379,h2:26379/0#mymaster"));
    assertThat(c.databaseUrl().toString()).doesNotContain("s3cr3t");
    assertThat(c.redis().orElseThrow().toString())
        .doesNotContain("s3cr3t")
        .contains("h1:26379,h2:26379");
    assertThat(c.databaseUrl().password()).isEqualTo("s3cr3t");
  }
}
