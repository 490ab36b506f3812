package io.madbase.gateway;

import java.util.regex.Pattern;

/** Masks passwords in URLs so no log line or error message carries one. */
public final class Secrets {
  public static final String MASK = "<masked>";
  // scheme://user:password@ or scheme://password@ (Redis): the part before '@' after the scheme
  private static final Pattern USERINFO =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\\s]*)@");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");

  private Secrets() {}

  /**
   * Every URL's credentials in {@code text} masked: {@code postgresql://app:<masked>@h:5433/db}.
   */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String s =
        USERINFO
            .matcher(text)
            .replaceAll(
                m -> {
                  String info = m.group(2);
                  int colon = info.indexOf(':');
                  String user = colon >= 0 ? info.substring(0, colon) : "";
                  String masked = colon >= 0 ? user + ":" + MASK : MASK;
                  return java.util.regex.Matcher.quoteReplacement(m.group(1) + masked + "@");
                });
    return PASSWORD_PARAM.matcher(s).replaceAll("$1" + MASK);
  }
}
