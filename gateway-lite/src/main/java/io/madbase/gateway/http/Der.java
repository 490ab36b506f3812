package io.madbase.gateway.http;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough DER to turn the key formats OpenSSL writes (PKCS#1, SEC1) into PKCS#8, which is what
 * the JDK's key factories read: the JDK's own DER classes are internal to {@code java.base}.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;

  /** One tag-length-value; {@code encoded} is all of it, {@code body} the value. */
  record Tlv(int tag, byte[] body, byte[] encoded) {}

  private Der() {}

  /** The one value {@code der} holds (nothing may follow it). */
  static Tlv read(byte[] der) throws GeneralSecurityException {
    List<Tlv> all = readAll(der);
    if (all.size() != 1) {
      throw new GeneralSecurityException("not a single DER value");
    }
    return all.get(0);
  }

  /** The values one after another in {@code der}, e.g. the body of a SEQUENCE. */
  static List<Tlv> readAll(byte[] der) throws GeneralSecurityException {
    List<Tlv> out = new ArrayList<>();
    int at = 0;
    while (at < der.length) {
      if (der.length - at < 2) {
        throw new GeneralSecurityException("truncated DER");
      }
      int start = at;
      int tag = der[at++] & 0xff;
      int len = der[at++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n < 1 || n > 3 || der.length - at < n) {
          throw new GeneralSecurityException("bad DER length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (der[at++] & 0xff);
        }
      }
      if (der.length - at < len) {
        throw new GeneralSecurityException("truncated DER");
      }
      byte[] body = java.util.Arrays.copyOfRange(der, at, at + len);
      at += len;
      out.add(new Tlv(tag, body, java.util.Arrays.copyOfRange(der, start, at)));
    }
    return out;
  }

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    out.writeBytes(length(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... parts) {
    return tlv(SEQUENCE, parts);
  }

  /** The encoded OBJECT IDENTIFIER of a dotted name such as {@code 1.2.840.10045.2.1}. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long v = Long.parseLong(arcs[i]);
      int groups = 1;
      while ((v >> (7 * groups)) != 0) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        body.write((int) ((v >> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
      }
    }
    return tlv(OID, body.toByteArray());
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }
}
