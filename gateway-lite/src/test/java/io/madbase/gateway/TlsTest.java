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

  /**
   * A self-signed certificate for 127.0.0.1 made by openssl (PKCS#8 key, as OpenSSL 3 writes it).
   */
  static void selfSigned(Path cert, Path key, boolean pkcs1) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl (Debian package openssl) failed: " + out).isZero();
    if (pkcs1) {
      Process q =
          new ProcessBuilder(
                  "openssl", "rsa", "-in", key.toString(), "-out", key.toString(), "-traditional")
              .redirectErrorStream(true)
              .start();
      q.getInputStream().readAllBytes();
      assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");
    }
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
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Test
  void tlsConfigLoadsFromPemAndARealHttpsRequestSucceeds(@TempDir Path dir) throws Exception {
    for (boolean pkcs1 : new boolean[] {false, true}) {
      Path cert = dir.resolve("cert-" + pkcs1 + ".pem");
      Path key = dir.resolve("key-" + pkcs1 + ".pem");
      selfSigned(cert, key, pkcs1);
      Map<String, String> env = TestGateway.env(db.pg());
      env.put("TLS_CERT", cert.toString());
      env.put("TLS_KEY", key.toString());
      try (RunningGateway gw = TestGateway.start(env)) {
        assertThat(gw.localUri().getScheme()).isEqualTo("https");
        HttpResponse<String> r =
            trusting(cert)
                .send(
                    HttpRequest.newBuilder(gw.localUri().resolve("/rest/v1/items")).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession()).isPresent();
      }
    }
  }
}
