package io.madbase.driver.docker;

import io.madbase.MadbaseException;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.HostCommand;
import io.madbase.driver.OsUser;
import io.madbase.driver.Preflight;
import io.madbase.driver.TcShaper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Bandwidth caps between containers: a {@link TcShaper} on the interface the member reaches the
 * others through, inside its own network namespace ({@code nsenter -t <PID> -n tc}, from the host),
 * whose filters pick the packets addressed to the others' containers. Replies go to the address
 * that opened the connection, so a replica's replication stream from the member is slowed as well
 * as the connections the member opens. Nothing inside the container changes, and nothing outside
 * its namespace: the cap goes with the namespace when the container stops.
 *
 * <p>Healing removes the cap from every running container of the stack; a cap a killed run left is
 * found the same way ({@code down} removes it, {@code doctor} reports it).
 */
final class DockerThrottles {
  private static final Pattern DEV = Pattern.compile("\\bdev (\\S+)");

  private final DockerPartitions net;

  DockerThrottles(DockerPartitions net) {
    this.net = net;
  }

  /** Puts the cap on; answers what it did, for the timeline. */
  String apply(FaultInjector.Throttle t) {
    if (DockerPartitions.unavailable().isPresent() || !TcShaper.available()) {
      Set<String> pkgs = new LinkedHashSet<>(DockerPartitions.missingPackages());
      if (!TcShaper.available()) {
        pkgs.add("iproute2");
      }
      throw MadbaseException.environment(
          "bandwidth caps on the docker driver need root, nsenter and tc"
              + DockerPartitions.unavailable().map(u -> " (" + u + ")").orElse("")
              + "\n  fix: "
              + (OsUser.isRoot() ? Preflight.installCommand(pkgs) : "run madbase as root"));
    }
    if (t.to().contains(t.member())) {
      throw MadbaseException.invalidInput(
          "a bandwidth cap cannot slow what a member sends to itself: " + t.describe());
    }
    long pid = net.namespacePid(t.member());
    List<String> ips = new ArrayList<>();
    List<String> notRunning = new ArrayList<>();
    for (String m : t.to()) {
      List<String> a = net.addresses(m);
      if (a.isEmpty()) {
        notRunning.add(m);
      }
      ips.addAll(a);
    }
    if (ips.isEmpty()) {
      throw MadbaseException.environment(
          "none of " + String.join(" ", t.to()) + " is running: no link to slow down");
    }
    String device = device(pid, ips.get(0));
    TcShaper shaper = shaper(pid, t.member(), device);
    if (shaper.installed()) {
      throw MadbaseException.environment(
          t.member()
              + " already has a bandwidth cap of madbase's on "
              + device
              + ": one at a time");
    }
    if (!shaper.root().startsWith("noqueue")) {
      throw MadbaseException.environment(
          t.member()
              + "'s "
              + device
              + " has a qdisc madbase did not make ("
              + shaper.root()
              + "): it does not replace it");
    }
    shaper.install(t.rate(), ips.stream().map(ip -> "match ip dst " + ip + "/32").toList());
    return "an HTB qdisc (handle "
        + TcShaper.HANDLE
        + ") on "
        + t.member()
        + "'s "
        + device
        + " (tc in its network namespace, from the host) holds what goes to "
        + String.join(",", ips)
        + " to "
        + t.rate()
        + (notRunning.isEmpty()
            ? ""
            : "; not running, so not slowed (no address): " + String.join(" ", notRunning));
  }

  /** Removes every cap of the stack's containers; answers what it removed ("" when none). */
  String heal() {
    if (DockerPartitions.unavailable().isPresent() || !TcShaper.available()) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : net.running(false).entrySet()) {
      for (String dev : devices(e.getKey(), e.getValue())) {
        shaper(e.getValue(), e.getKey(), dev)
            .remove()
            .ifPresent(
                s ->
                    out.add(
                        "the bandwidth cap on "
                            + e.getKey()
                            + "'s "
                            + dev
                            + " removed: "
                            + s.describe()));
      }
    }
    return String.join("; ", out);
  }

  /** The caps a killed run left, one description per interface. */
  List<String> leftovers() {
    if (DockerPartitions.unavailable().isPresent() || !TcShaper.available()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : net.running(false).entrySet()) {
      for (String dev : devices(e.getKey(), e.getValue())) {
        out.add(
            "an HTB qdisc (handle "
                + TcShaper.HANDLE
                + ") on "
                + e.getKey()
                + "'s "
                + dev
                + ": a bandwidth cap of this stack, not removed");
      }
    }
    return out;
  }

  private static List<String> devices(String member, long pid) {
    try {
      return TcShaper.devicesWithCap(DockerPartitions.inNamespace(pid), member + "'s namespace");
    } catch (MadbaseException gone) {
      return List.of(); // stopped since it was listed: its namespace, and the cap, are gone
    }
  }

  private static TcShaper shaper(long pid, String member, String device) {
    return new TcShaper(DockerPartitions.inNamespace(pid), device, member + "'s " + device);
  }

  /** The interface {@code pid}'s namespace reaches {@code ip} through (eth0, usually). */
  private static String device(long pid, String ip) {
    List<String> cmd = new ArrayList<>(DockerPartitions.inNamespace(pid));
    cmd.add(HostCommand.binary("ip").map(Object::toString).orElse("ip"));
    cmd.addAll(List.of("-o", "route", "get", ip));
    String route =
        HostCommand.run(
            cmd,
            "",
            Duration.ofSeconds(10),
            "ip route get " + ip + " in the namespace of PID " + pid,
            "install iproute2 (scripts/install-deps.sh)");
    Matcher m = DEV.matcher(route);
    if (!m.find()) {
      throw MadbaseException.environment(
          "no route to " + ip + " from PID " + pid + ": " + route.strip());
    }
    return m.group(1);
  }

  static String joined(List<String> parts) {
    return parts.stream().filter(p -> !p.isEmpty()).collect(Collectors.joining("; "));
  }
}
