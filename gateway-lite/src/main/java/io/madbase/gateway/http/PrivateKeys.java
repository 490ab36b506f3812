package io.madbase.gateway.http;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * Private keys from the DER inside a PEM block: PKCS#8 ({@code PRIVATE KEY}: RSA, RSASSA-PSS, EC,
 * Ed25519, Ed448), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, what {@code
 * openssl ecparam -genkey} and {@code openssl ec} write). The last two are wrapped into PKCS#8,
 * which the JDK's key factories read. Every refusal names the file and says how to convert it.
 */
final class PrivateKeys {
  private static final String RSA = "1.2.840.113549.1.1.1";
  private static final String EC = "1.2.840.10045.2.1";

  /** Key algorithms by PKCS#8 algorithm OID. */
  private static final Map<String, String> ALGORITHMS =
      Map.of(
          RSA,
          "RSA",
          "1.2.840.113549.1.1.10",
          "RSASSA-PSS",
          EC,
          "EC",
          "1.3.101.112",
          "Ed25519",
          "1.3.101.113",
          "Ed448");

  /**
   * The curves TLS in this JDK signs with (secp256r1/384r1/521r1); the JDK parses keys on other
   * curves (secp256k1, brainpool) but no handshake could use them, so they are refused at start.
   */
  private static final Map<String, String> TLS_CURVES =
      Map.of(
          "1.2.840.10045.3.1.7", "P-256",
          "1.3.132.0.34", "P-384",
          "1.3.132.0.35", "P-521");

  private PrivateKeys() {}

  /** A PKCS#8 PrivateKeyInfo: version, algorithm identifier, the key. */
  static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
    List<Der.Tlv> info = sequenceOf(der, file, "PKCS#8 key");
    if (info.size() < 3 || info.get(1).tag() != Der.SEQUENCE) {
      throw new GeneralSecurityException(file + ": not a PKCS#8 private key");
    }
    List<Der.Tlv> algorithm = Der.readAll(info.get(1).body());
    String oid = algorithm.isEmpty() ? "" : oidName(algorithm.get(0));
    String name = ALGORITHMS.get(oid);
    if (name == null) {
      throw new GeneralSecurityException(
          file + ": a private key of algorithm " + oid + " (RSA, EC, Ed25519 and Ed448 are read)");
    }
    if (name.equals("EC")) {
      checkNamedCurve(algorithm.size() > 1 ? algorithm.get(1) : null, file);
    }
    try {
      return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          file + ": the " + name + " key cannot be read: " + e.getMessage(), e);
    }
  }

  /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
  static byte[] fromPkcs1(byte[] pkcs1) {
    return Der.sequence(
        Der.tlv(Der.INTEGER, new byte[] {0}),
        Der.sequence(Der.oid(RSA), Der.tlv(Der.NULL)),
        Der.tlv(Der.OCTET_STRING, pkcs1));
  }

  /**
   * SEC1 ECPrivateKey (RFC 5915) inside a PKCS#8 PrivateKeyInfo whose algorithm names the key's
   * curve (OpenSSL always writes it into the key's parameters field).
   */
  static byte[] fromSec1(byte[] sec1, Path file) throws GeneralSecurityException {
    List<Der.Tlv> key = sequenceOf(sec1, file, "SEC1 EC key");
    if (key.size() < 2 || key.get(0).tag() != Der.INTEGER || key.get(1).tag() != Der.OCTET_STRING) {
      throw new GeneralSecurityException(file + ": not a SEC1 EC private key");
    }
    Der.Tlv curve = null;
    for (Der.Tlv field : key.subList(2, key.size())) {
      if (field.tag() == 0xa0) { // [0] parameters
        curve = Der.read(field.body());
      }
    }
    if (curve == null) {
      throw new GeneralSecurityException(
          file
              + ": the EC key does not name its curve (its optional parameters field is"
              + " missing); use a key written by openssl ecparam -genkey or openssl genpkey");
    }
    checkNamedCurve(curve, file);
    return Der.sequence(
        Der.tlv(Der.INTEGER, new byte[] {0}),
        Der.sequence(Der.oid(EC), curve.encoded()),
        Der.tlv(Der.OCTET_STRING, sec1));
  }

  private static void checkNamedCurve(Der.Tlv parameters, Path file)
      throws GeneralSecurityException {
    if (parameters == null || parameters.tag() != Der.OID) {
      throw new GeneralSecurityException(
          file
              + ": the EC key has explicit curve parameters, not a named curve; convert it:"
              + " openssl ec -in KEY -param_enc named_curve -out KEY");
    }
    if (!TLS_CURVES.containsKey(oidName(parameters))) {
      throw new GeneralSecurityException(
          file
              + ": the EC key is on curve "
              + oidName(parameters)
              + ", which TLS here cannot sign with; use P-256, P-384 or P-521"
              + " (openssl ecparam -name prime256v1 -genkey)");
    }
  }

  private static List<Der.Tlv> sequenceOf(byte[] der, Path file, String what)
      throws GeneralSecurityException {
    try {
      Der.Tlv outer = Der.read(der);
      if (outer.tag() != Der.SEQUENCE) {
        throw new GeneralSecurityException("not a SEQUENCE");
      }
      return Der.readAll(outer.body());
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          file + ": a damaged " + what + " (" + e.getMessage() + ")");
    }
  }

  /** The dotted form of an OBJECT IDENTIFIER, or {@code "?"} when it is not one. */
  static String oidName(Der.Tlv t) {
    if (t.tag() != Der.OID || t.body().length == 0) {
      return "?";
    }
    byte[] b = t.body();
    StringBuilder s = new StringBuilder();
    int first = b[0] & 0xff;
    s.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
    long v = 0;
    for (int i = 1; i < b.length; i++) {
      v = (v << 7) | (b[i] & 0x7f);
      if ((b[i] & 0x80) == 0) {
        s.append('.').append(v);
        v = 0;
      }
    }
    return s.toString();
  }
}
