package io.madbase.driver.local;

import io.madbase.MadbaseException;
import io.madbase.driver.FaultInjector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Network partitions between the local driver's members: one nft table per stack ({@code inet
 * madbase_<stack-id>}), one rule per member on the cut's side, dropping what its sockets send to
 * the addresses of the members on the other side. Members are told apart by their cgroup ({@link
 * Cgroups}), not by source address (every outgoing connection on loopback leaves from 127.0.0.1): a
 * packet from member A to member B is A's socket sending to B's address, and a reply B sends goes
 * to 127.0.0.1, which no rule names. So cutting both directions drops everything either side sends
 * toward the other, and cutting one direction ("A cannot reach B") drops what A sends to B's
 * address only: connections A opens to B time out, connections B opens to A still work. madbase's
 * own probes and watchers are no member and are never cut. Packets are dropped, not rejected, as a
 * real partition does: a connect times out instead of failing at once.
 *
 * <p>Healing deletes the table. A table left by a killed run is found by its name ({@code down}
 * removes it, {@code doctor} reports it).
 */
final class NftPartitions {
  static final String TABLE_PREFIX = "madbase_";
  private static final Pattern COUNTER =
      Pattern.compile("counter packets (\\d+) bytes \\d+ drop comment \"([^\"]*)\"");

  private final String table;

  NftPartitions(String stackId) {
    this.table = TABLE_PREFIX + stackId.replace('-', '_');
  }

  String table() {
    return table;
  }

  /**
   * Adds the rules of {@code cut}: {@code from} is each side's nft cgroup path and level, {@code
   * addresses} each member's address.
   */
  void apply(FaultInjector.Cut cut, Cgroups cgroups, Map<String, String> addresses) {
    StringBuilder script = new StringBuilder();
    script
        .append("table inet ")
        .append(table)
        .append(
            " {\n  chain output {\n    type filter hook output priority 0; policy accept;\n  }\n}\n");
    if (cut.direction() != FaultInjector.Direction.INCOMING) {
      for (String m : cut.members()) {
        script.append(rule(cgroups, m, cut.from(), addresses));
      }
    }
    if (cut.direction() != FaultInjector.Direction.OUTGOING) {
      for (String f : cut.from()) {
        script.append(rule(cgroups, f, cut.members(), addresses));
      }
    }
    nft(List.of("-f", "-"), script.toString());
  }

  private String rule(Cgroups cgroups, String member, List<String> to, Map<String, String> addr) {
    String daddrs = to.stream().map(addr::get).distinct().collect(Collectors.joining(", "));
    return "add rule inet "
        + table
        + " output socket cgroupv2 level "
        + cgroups.nftLevel()
        + " \""
        + cgroups.nftPath(member)
        + "\" ip daddr { "
        + daddrs
        + " } counter drop comment \""
        + member
        + " -> "
        + String.join(" ", to)
        + "\"\n";
  }

  /** Whether this stack's table exists (a partition in force, or one a killed run left). */
  boolean exists() {
    return listTables().contains(table);
  }

  /**
   * Packets each rule dropped so far, by rule ("pg1 -> e1 e2 e3 pg2 pg3"): a partition whose rules
   * drop nothing did not cut what it meant to.
   */
  Map<String, Long> dropped() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    if (!exists()) {
      return out;
    }
    Matcher m = COUNTER.matcher(nft(List.of("list", "table", "inet", table), ""));
    while (m.find()) {
      out.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
    }
    return out;
  }

  /** Deletes the table; false when there was none. */
  boolean heal() {
    if (!exists()) {
      return false;
    }
    nft(List.of("delete", "table", "inet", table), "");
    return true;
  }

  /** Every table madbase made, on any stack ({@code madbase_*}). */
  static List<String> madbaseTables() {
    return listTables().stream().filter(t -> t.startsWith(TABLE_PREFIX)).toList();
  }

  private static List<String> listTables() {
    List<String> out = new ArrayList<>();
    for (String line : nft(List.of("list", "tables"), "").split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[0].equals("table")) {
        out.add(f[2]);
      }
    }
    return out;
  }

  /** Whether nft can be run here (installed, and we may change the ruleset). */
  static boolean available() {
    try {
      nft(List.of("list", "tables"), "");
      return true;
    } catch (MadbaseException e) {
      return false;
    }
  }

  private static String nft(List<String> args, String stdin) {
    List<String> cmd = new ArrayList<>();
    cmd.add("nft");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw MadbaseException.environment("nft " + String.join(" ", args) + " did not finish");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw MadbaseException.environment(
            "nft " + String.join(" ", args) + " failed: " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot run nft (" + e.getMessage() + "): install nftables (scripts/install-deps.sh)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MadbaseException.environment("interrupted running nft");
    }
  }
}
