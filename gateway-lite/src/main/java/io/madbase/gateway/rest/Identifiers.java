package io.madbase.gateway.rest;

import io.madbase.gateway.http.ApiException;
import java.util.regex.Pattern;

/**
 * Table and column names are identifiers, never SQL: they must look like one, must exist in the
 * catalog, and are always double-quoted when put into a statement.
 */
final class Identifiers {
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Identifiers() {}

  static String require(String kind, String name) {
    if (name == null || !IDENT.matcher(name).matches()) {
      throw ApiException.badRequest(
          "invalid_identifier",
          kind
              + " name "
              + quoteForMessage(name)
              + " is not an identifier (letters, digits and _; at most 63)");
    }
    return name;
  }

  static String quote(String ident) {
    return "\"" + ident + "\""; // safe: require() admitted no quote characters
  }

  private static String quoteForMessage(String s) {
    if (s == null) {
      return "(none)";
    }
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
