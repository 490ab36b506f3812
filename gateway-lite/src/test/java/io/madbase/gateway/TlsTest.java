package io.madbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  /** Runs openssl (Debian package openssl) in {@code dir}; a failure fails the test. */
  static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(cmd + " failed: " + out).isZero();
  }

  private static final String[] FOR_LOOPBACK = {
    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
  };

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * A self-signed certificate for 127.0.0.1 made by openssl with a new key ({@code -newkey
   * rsa:2048}, {@code -newkey ec ...}): OpenSSL 3 writes the key as PKCS#8.
   */
  static void selfSigned(Path dir, String cert, String key, String... newKey) throws Exception {
    openssl(
        dir,
        concat(
            concat(new String[] {"req", "-x509", "-nodes", "-keyout", key, "-out", cert}, newKey),
            FOR_LOOPBACK));
  }

  /** A self-signed certificate for 127.0.0.1 for an existing key. */
  static void selfSignedFor(Path dir, String cert, String key) throws Exception {
    openssl(
        dir,
        concat(new String[] {"req", "-x509", "-new", "-key", key, "-out", cert}, FOR_LOOPBACK));
  }

  static HttpClient trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "gw", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    // the connect timeout covers the TLS handshake too: a cold JVM's first RSA handshake took over
    // 2 s on a 2-core machine at load 13; this bounds the wait, it measures nothing
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(15)).build();
  }

  /** A real HTTPS request to a gateway serving {@code cert} and {@code key} from {@code dir}. */
  private static void servesHttps(Path dir, String cert, String key) throws Exception {
    Map<String, String> env = TestGateway.env(db.pg());
    env.put("TLS_CERT", dir.resolve(cert).toString());
    env.put("TLS_KEY", dir.resolve(key).toString());
    try (RunningGateway gw = TestGateway.start(env)) {
      assertThat(gw.localUri().getScheme()).isEqualTo("https");
      HttpResponse<String> r =
          trusting(dir.resolve(cert))
              .send(
                  HttpRequest.newBuilder(gw.localUri().resolve("/rest/v1/items")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.sslSession()).isPresent();
    }
  }

  @Test
  void rsaKeysInPkcs8AndPkcs1ServeARealHttpsRequest(@TempDir Path dir) throws Exception {
    selfSigned(dir, "cert.pem", "key.pem", "-newkey", "rsa:2048");
    assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN PRIVATE KEY");
    servesHttps(dir, "cert.pem", "key.pem");

    openssl(dir, "rsa", "-in", "key.pem", "-out", "key-pkcs1.pem", "-traditional");
    assertThat(Files.readString(dir.resolve("key-pkcs1.pem"))).contains("BEGIN RSA PRIVATE KEY");
    servesHttps(dir, "cert.pem", "key-pkcs1.pem");
  }

  @Test
  void ecKeysInPkcs8AndSec1ServeARealHttpsRequest(@TempDir Path dir) throws Exception {
    selfSigned(
        dir, "p256.pem", "p256-key.pem", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
    assertThat(Files.readString(dir.resolve("p256-key.pem"))).contains("BEGIN PRIVATE KEY");
    servesHttps(dir, "p256.pem", "p256-key.pem");

    // what openssl ecparam -genkey writes: an EC PARAMETERS block, then the SEC1 key
    openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-out", "p384-key.pem");
    assertThat(Files.readString(dir.resolve("p384-key.pem")))
        .contains("BEGIN EC PARAMETERS")
        .contains("BEGIN EC PRIVATE KEY");
    selfSignedFor(dir, "p384.pem", "p384-key.pem");
    servesHttps(dir, "p384.pem", "p384-key.pem");

    // openssl ec rewrites a key as SEC1 alone
    openssl(dir, "ec", "-in", "p256-key.pem", "-out", "p256-sec1.pem");
    assertThat(Files.readString(dir.resolve("p256-sec1.pem")))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    servesHttps(dir, "p256.pem", "p256-sec1.pem");
  }

  @Test
  void ecKeysTlsCannotUseAreRefusedAtStartWithExitTwoNamingTheFileAndTheFix(@TempDir Path dir)
      throws Exception {
    selfSigned(
        dir, "cert.pem", "ok-key.pem", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
    openssl(
        dir,
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-param_enc",
        "explicit",
        "-out",
        "explicit.pem");
    openssl(dir, "ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1-sec1.pem");
    openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "k1-sec1.pem", "-out", "k1-pkcs8.pem");

    Map<String, String> expected =
        Map.of(
            "explicit.pem", "explicit curve parameters, not a named curve",
            "k1-sec1.pem", "on curve 1.3.132.0.10, which TLS here cannot sign with",
            "k1-pkcs8.pem", "on curve 1.3.132.0.10, which TLS here cannot sign with");
    for (var e : expected.entrySet()) {
      Path key = dir.resolve(e.getKey());
      GatewayCommandTest.Run r =
          GatewayCommandTest.run(
              Map.of(
                  "DATABASE_URL", TestGateway.url(db.pg()),
                  "BIND_HOST", "127.0.0.1",
                  "PORT", "0",
                  "TLS_CERT", dir.resolve("cert.pem").toString(),
                  "TLS_KEY", key.toString()));
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("TLS_CERT/TLS_KEY: " + key + ": ")
          .contains(e.getValue())
          .contains("openssl ")
          .doesNotContain("\tat ");
    }
  }
}
