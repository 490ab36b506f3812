package io.madbase.driver.local;

import io.madbase.MadbaseException;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.HostCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** The chain that marks what a bandwidth cap slows. */
  static final String SHAPE_CHAIN = "shape";

  /** DSCP value 45 (0x2d): the marked packets' tos byte is 0xb4. */
  static final String DSCP = "0x2d";

  /** The u32 selector that picks the marked packets on lo. */
  static final String SHAPED = "match ip tos 0xb4 0xfc";

  private static final String CT_MARK = "0x4d42";

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

  /**
   * Marks the packets a bandwidth cap slows: what {@code member}'s sockets send to {@code to}'s
   * addresses (connections it opens), and what they send back on connections {@code to} open to
   * {@code member}'s address (a replica's replication stream from its primary). The second kind
   * goes to 127.0.0.1 like every reply on loopback, so it is told apart by its connection: the
   * opening side's packets mark it in conntrack, and the replies carrying that mark are marked too.
   * The mark is DSCP {@value #DSCP} in the IP header, where tc's u32 on {@code lo} can see it
   * (these kernels have no fw classifier to read a firewall mark); no standard per-hop behaviour
   * uses that value, so nothing else on loopback carries it.
   */
  void shape(String member, List<String> to, Cgroups cgroups, Map<String, String> addresses) {
    String daddrs = to.stream().map(addresses::get).distinct().collect(Collectors.joining(", "));
    StringBuilder script =
        new StringBuilder(
            "table inet %s {\n  chain %s {\n    type filter hook output priority 0; policy accept;\n  }\n}\n"
                .formatted(table, SHAPE_CHAIN));
    String from =
        "add rule inet " + table + " " + SHAPE_CHAIN + " socket cgroupv2 level %d \"%s\" ";
    // connections the member opens to them
    script.append(from.formatted(cgroups.nftLevel(), cgroups.nftPath(member)));
    script.append("ip daddr { %s } ip dscp set %s%n".formatted(daddrs, DSCP));
    // connections they open to the member: marked by their side's packets...
    for (String f : to) {
      script.append(from.formatted(cgroups.nftLevel(), cgroups.nftPath(f)));
      script.append("ip daddr %s ct mark set %s%n".formatted(addresses.get(member), CT_MARK));
    }
    // ...and the member's replies on them
    script.append(from.formatted(cgroups.nftLevel(), cgroups.nftPath(member)));
    script.append("ct mark %s ip dscp set %s%n".formatted(CT_MARK, DSCP));
    nft(List.of("-f", "-"), script.toString());
  }

  /** Whether this stack's table marks packets for a bandwidth cap. */
  boolean shaping() {
    return shapingTables().contains(table);
  }

  /** The tables, of any stack, that mark packets for a bandwidth cap on lo. */
  static List<String> shapingTables() {
    List<String> out = new ArrayList<>();
    String current = null;
    for (String line : nft(List.of("list", "chains"), "").split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 3 && f[0].equals("table")) {
        current = f[2];
      } else if (f.length >= 2
          && f[0].equals("chain")
          && f[1].equals(SHAPE_CHAIN)
          && current != null
          && current.startsWith(TABLE_PREFIX)) {
        out.add(current);
      }
    }
    return out;
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
    cmd.add(HostCommand.binary("nft").map(Object::toString).orElse("nft"));
    cmd.addAll(args);
    return HostCommand.run(
        cmd,
        stdin,
        Duration.ofSeconds(10),
        "nft " + String.join(" ", args),
        "install nftables (scripts/install-deps.sh)");
  }
}
