package io.madbase.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** HAProxy's stats page as CSV ({@code /;csv}): the state of every server in every listener. */
public final class HaproxyStats {
  private final String url;
  private final Duration timeout;

  public HaproxyStats(String host, int statsPort, Duration timeout) {
    this.url = "http://" + host + ":" + statsPort + "/;csv";
    this.timeout = timeout;
  }

  /**
   * One server row.
   *
   * @param proxy the listener: primary or replicas
   * @param server the node name: pg1, pg2, ...
   * @param status UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (going up), MAINT, no check
   * @param checkStatus L7OK, L7STS, L4CON, ... (empty before the first check)
   * @param currentSessions sessions open now
   */
  public record Server(
      String proxy, String server, String status, String checkStatus, long currentSessions) {
    /** UP after a passed check: HAProxy counts a server UP until its first check fails. */
    public boolean up() {
      return status.equals("UP") && checkStatus.startsWith("L7OK");
    }
  }

  public Optional<List<Server>> servers() {
    return Http.get(url, timeout).filter(Http.Response::ok).map(r -> parse(r.body()));
  }

  static List<Server> parse(String csv) {
    List<Server> out = new ArrayList<>();
    String[] lines = csv.split("\n");
    if (lines.length == 0 || !lines[0].startsWith("# ")) {
      return out;
    }
    String[] header = lines[0].substring(2).split(",", -1);
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      col.put(header[i], i);
    }
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      if (f.length < header.length) {
        continue;
      }
      String sv = f[col.get("svname")];
      if (sv.equals("FRONTEND") || sv.equals("BACKEND")) {
        continue;
      }
      out.add(
          new Server(
              f[col.get("pxname")],
              sv,
              f[col.get("status")],
              // "* L7OK": HAProxy marks a check that is running right now with "* "
              f[col.get("check_status")].replaceFirst("^\\* ", ""),
              parseLong(f[col.get("scur")])));
    }
    return out;
  }

  private static long parseLong(String s) {
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
