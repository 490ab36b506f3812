package io.madbase.gateway.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key store built in memory from PEM files: a certificate chain ({@code BEGIN CERTIFICATE}, leaf
 * first) and an unencrypted private key, PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519),
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}).
 */
public final class PemKeyStore {
  public static final String ALIAS = "gateway";

  /** The in-memory store's password: it never leaves the process. */
  public static final String PASSWORD = "in-memory";

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  private PemKeyStore() {}

  public static KeyStore load(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    List<? extends Certificate> chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile)))
            .stream()
            .toList();
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(certFile + " holds no PEM certificate");
    }
    PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
    return ks;
  }

  private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "PRIVATE KEY":
          return PrivateKeys.pkcs8(der, file);
        case "RSA PRIVATE KEY":
          return PrivateKeys.pkcs8(PrivateKeys.fromPkcs1(der), file);
        case "EC PRIVATE KEY":
          return PrivateKeys.pkcs8(PrivateKeys.fromSec1(der, file), file);
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException(
              file
                  + ": encrypted keys are not supported (decrypt it: openssl pkcs8 -topk8 -nocrypt)");
        default:
          // certificates, EC PARAMETERS (the key names its curve too): not keys
      }
    }
    throw new GeneralSecurityException(
        file
            + " holds no PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC"
            + " PRIVATE KEY; convert others with: openssl pkcs8 -topk8 -nocrypt)");
  }
}
