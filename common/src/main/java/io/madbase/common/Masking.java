package io.madbase.common;

import java.util.regex.Pattern;

/**
 * The one place madbase masks secrets, so that no log line, error message or printout carries one:
 * credentials in URLs (the gateway's database and Redis URLs), and known values in any text (the
 * CLI's rendered files).
 */
public final class Masking {
  public static final String MASK = "<masked>";
  // scheme://user:password@ or scheme://password@ (Redis): the part before '@' after the scheme
  private static final Pattern USERINFO =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\\s]*)@");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");

  private Masking() {}

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

  /**
   * {@code t} and its causes as a stack trace, each message {@linkplain #mask masked}: for the log
   * of an error that is a bug, where the frames say where it came from.
   */
  public static String maskedTrace(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Throwable c = t;
    for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
      sb.append(depth == 0 ? "" : "\nCaused by: ").append(mask(c.toString()));
      StackTraceElement[] frames = c.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 20); i++) {
        sb.append("\n\tat ").append(frames[i]);
      }
      if (frames.length > 20) {
        sb.append("\n\t... ").append(frames.length - 20).append(" more");
      }
    }
    return sb.toString();
  }

  /**
   * Every occurrence of each of {@code secrets} in {@code text} replaced by {@link #MASK}; empty
   * values are skipped (an empty password would mask every position).
   */
  public static String values(String text, java.util.Collection<String> secrets) {
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
