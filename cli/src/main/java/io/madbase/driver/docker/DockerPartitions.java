package io.madbase.driver.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.madbase.MadbaseException;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.HostCommand;
import io.madbase.driver.OsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Network partitions between containers: rules of madbase's own in the network namespace of each
 * member cut off, made from the host ({@code nsenter -t <the container's PID> -n iptables}). One
 * chain, {@value #CHAIN}, jumped to first from INPUT and OUTPUT, drops what the member exchanges
 * with the addresses the other side's containers have on their networks. Nothing inside the
 * container changes (its image has no iptables), and no other table is touched: Docker's DNS lives
 * in the namespace's nat table.
 *
 * <p>The directions mean what they mean on the local driver, where a member's replies go to
 * 127.0.0.1 and only what a socket sends toward the other side's address is dropped: {@code both}
 * drops every packet either way; {@code outgoing} drops what the member sends on connections it
 * opened toward them (they time out), {@code incoming} what they send on connections they opened
 * toward it; a connection opened the other way keeps working (conntrack's direction of the
 * connection, {@code --ctdir ORIGINAL}, tells them apart).
 *
 * <p>madbase's own probes are not cut: they reach the containers through ports published on
 * 127.0.0.1, and those connections arrive from the network's gateway address (docker-proxy), which
 * no rule names. HAProxy and the gateway are containers like the others: cut only when the cut
 * names them.
 *
 * <p>A container started again gets a new network namespace: its cut is gone, and a member of the
 * other side started again may come back with another address. Healing removes the jumps and the
 * chain from every running container of the stack; a chain a killed run left is found the same way
 * ({@code down} removes it, {@code doctor} reports it). Nothing here takes a lock: the chaos run
 * makes and heals its cuts one at a time, and the heal on JVM exit must never wait for a run
 * thread.
 */
final class DockerPartitions {
  static final String CHAIN = "MADBASE-PART";
  private static final Pattern COUNTER =
      Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DROP\\b.*/\\* (.*) \\*/", Pattern.MULTILINE);

  private final DockerDriver driver;

  /** Members this process cut off: healed first, the others are only looked at. */
  private final Set<String> made = java.util.concurrent.ConcurrentHashMap.newKeySet();

  DockerPartitions(DockerDriver driver) {
    this.driver = driver;
  }

  /** Why partitions cannot be made from here (not root, a tool missing); empty when they can. */
  static Optional<String> unavailable() {
    if (!OsUser.isRoot()) {
      return Optional.of(
          "they need root (nsenter into a container's network namespace), not "
              + System.getProperty("user.name"));
    }
    List<String> missing = new ArrayList<>();
    if (binary("nsenter").isEmpty()) {
      missing.add("nsenter (util-linux)");
    }
    if (binary("iptables").isEmpty() || binary("iptables-restore").isEmpty()) {
      missing.add("iptables");
    }
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(String.join(" and ", missing) + " missing on this machine");
  }

  /** The packages that bring what {@link #unavailable} misses. */
  static Set<String> missingPackages() {
    Set<String> out = new LinkedHashSet<>();
    if (binary("nsenter").isEmpty()) {
      out.add("util-linux");
    }
    if (binary("iptables").isEmpty() || binary("iptables-restore").isEmpty()) {
      out.add("iptables");
    }
    return out;
  }

  private static Optional<Path> binary(String name) {
    return HostCommand.binary(name);
  }

  /** Adds the rules of {@code cut}; answers what it did, for the timeline. */
  String apply(FaultInjector.Cut cut) {
    if (unavailable().isPresent()) {
      throw MadbaseException.environment(
          "network partitions on the docker driver: "
              + unavailable().get()
              + "\n  fix: "
              + (OsUser.isRoot()
                  ? io.madbase.driver.Preflight.installCommand(missingPackages())
                  : "run madbase as root"));
    }
    if (cut.members().stream().anyMatch(cut.from()::contains)) {
      throw MadbaseException.invalidInput(
          "a partition cannot cut a member off from itself: " + cut.describe());
    }
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String m : cut.members()) {
      pids.put(m, namespacePid(m));
    }
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    List<String> notRunning = new ArrayList<>();
    for (String f : cut.from()) {
      List<String> ips = addresses(f);
      if (ips.isEmpty()) {
        notRunning.add(f);
      } else {
        addresses.put(f, ips);
      }
    }
    if (addresses.isEmpty()) {
      throw MadbaseException.environment(
          "none of " + String.join(" ", cut.from()) + " is running: nobody to cut off from");
    }
    for (Map.Entry<String, Long> e : pids.entrySet()) {
      String member = e.getKey();
      StringBuilder rules = new StringBuilder();
      for (Map.Entry<String, List<String>> f : addresses.entrySet()) {
        for (String ip : f.getValue()) {
          rules.append(rules(member, f.getKey(), ip, cut.direction()));
        }
      }
      String listing = iptables(e.getValue(), List.of("-w", "-S"), "");
      StringBuilder script = new StringBuilder("*filter\n");
      if (!hasChain(listing)) {
        script.append(':').append(CHAIN).append(" - [0:0]\n");
      }
      script.append(rules);
      for (String hook : List.of("INPUT", "OUTPUT")) {
        if (jumps(listing, hook) == 0) {
          script.append("-I ").append(hook).append(" 1 -j ").append(CHAIN).append('\n');
        }
      }
      script.append("COMMIT\n");
      made.add(member);
      iptables(e.getValue(), List.of("-w", "--noflush"), script.toString(), "iptables-restore");
    }
    return "iptables chain "
        + CHAIN
        + " in "
        + String.join(" ", cut.members())
        + "'s network namespace (nsenter from the host): "
        + switch (cut.direction()) {
          case BOTH -> "every packet to and from ";
          case OUTGOING -> "what it sends on connections it opens to ";
          case INCOMING -> "what they send on connections they open from ";
        }
        + addresses.entrySet().stream()
            .map(a -> a.getKey() + " " + String.join(",", a.getValue()))
            .collect(Collectors.joining(", "))
        + " dropped"
        + (notRunning.isEmpty()
            ? ""
            : "; not running, so not cut (no address): " + String.join(" ", notRunning));
  }

  /**
   * The rules that cut {@code member} off from {@code other} at {@code ip}, for iptables-restore.
   */
  static String rules(String member, String other, String ip, FaultInjector.Direction direction) {
    String out =
        "-A "
            + CHAIN
            + " -d "
            + ip
            + "/32%s -m comment --comment \""
            + member
            + " -> "
            + other
            + "\" -j DROP\n";
    String in =
        "-A "
            + CHAIN
            + " -s "
            + ip
            + "/32%s -m comment --comment \""
            + other
            + " -> "
            + member
            + "\" -j DROP\n";
    String originalOnly = " -m conntrack --ctdir ORIGINAL";
    return switch (direction) {
      case BOTH -> out.formatted("") + in.formatted("");
      case OUTGOING -> out.formatted(originalOnly);
      case INCOMING -> in.formatted(originalOnly);
    };
  }

  /**
   * Removes the chain from every running container of the stack; answers what it removed, with the
   * packets each rule dropped ("" when there was none).
   */
  String heal() {
    if (unavailable().isPresent()) {
      return "";
    }
    Map<String, Long> dropped = new LinkedHashMap<>();
    List<String> healed = new ArrayList<>();
    for (Map.Entry<String, Long> e : running(true).entrySet()) {
      String listing;
      try {
        listing = iptables(e.getValue(), List.of("-w", "-S"), "");
      } catch (MadbaseException gone) {
        continue; // stopped since it was listed: its namespace, and the rules, are gone
      }
      if (!hasChain(listing)) {
        continue;
      }
      dropped(iptables(e.getValue(), List.of("-w", "-L", CHAIN, "-v", "-n", "-x"), ""))
          .forEach((rule, n) -> dropped.merge(rule, n, Long::sum));
      StringBuilder script = new StringBuilder("*filter\n");
      for (String hook : List.of("INPUT", "OUTPUT")) {
        script.append(("-D " + hook + " -j " + CHAIN + "\n").repeat(jumps(listing, hook)));
      }
      script.append("-F ").append(CHAIN).append("\n-X ").append(CHAIN).append("\nCOMMIT\n");
      iptables(e.getValue(), List.of("-w", "--noflush"), script.toString(), "iptables-restore");
      healed.add(e.getKey());
    }
    made.clear();
    if (healed.isEmpty()) {
      return "";
    }
    long total = dropped.values().stream().mapToLong(Long::longValue).sum();
    return "iptables chain "
        + CHAIN
        + " removed from "
        + String.join(" ", healed)
        + "; it had dropped "
        + total
        + " packets ("
        + dropped.entrySet().stream()
            .map(d -> d.getKey() + ": " + d.getValue())
            .collect(Collectors.joining("; "))
        + ")";
  }

  /** The chains a killed run left, one description per container that has one. */
  List<String> leftovers() {
    if (unavailable().isPresent()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : running(false).entrySet()) {
      try {
        if (hasChain(iptables(e.getValue(), List.of("-w", "-S"), ""))) {
          out.add(
              "iptables chain "
                  + CHAIN
                  + " in "
                  + e.getKey()
                  + "'s network namespace (container "
                  + driver.members().containerName(e.getKey())
                  + "): a partition of this stack, not healed");
        }
      } catch (MadbaseException gone) {
        // stopped since it was listed
      }
    }
    return out;
  }

  /**
   * The host PID of every running (or paused) container of the stack whose namespace madbase can
   * enter, by member; the members this process cut off first when {@code madeFirst}.
   */
  Map<String, Long> running(boolean madeFirst) {
    Map<String, Container> all = driver.members().all();
    List<String> order = new ArrayList<>();
    if (madeFirst) {
      made.stream().filter(all::containsKey).forEach(order::add);
    }
    all.keySet().stream().sorted().filter(m -> !order.contains(m)).forEach(order::add);
    Map<String, Long> out = new LinkedHashMap<>();
    for (String m : order) {
      Container c = all.get(m);
      if (!"running".equals(c.getState()) && !"paused".equals(c.getState())) {
        continue;
      }
      inspect(c.getId()).flatMap(r -> hostPid(r)).ifPresent(pid -> out.put(m, pid));
    }
    return out;
  }

  private Optional<InspectContainerResponse> inspect(String id) {
    try {
      return Optional.of(driver.api().inspectContainerCmd(id).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The container's init as a process of this machine, checked by its cgroup (which names the
   * container): an engine on another machine, or in another PID namespace, has PIDs that mean
   * nothing here.
   */
  private static Optional<Long> hostPid(InspectContainerResponse r) {
    Long pid = r.getState().getPidLong();
    if (pid == null || pid <= 0) {
      return Optional.empty();
    }
    try {
      String cgroup = Files.readString(Path.of("/proc", pid.toString(), "cgroup"));
      return cgroup.contains(r.getId()) ? Optional.of(pid) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The PID whose network namespace is {@code member}'s; exit 3 when there is none to enter. */
  long namespacePid(String member) {
    driver.member(member);
    InspectContainerResponse r =
        inspect(driver.containerId(member))
            .orElseThrow(() -> MadbaseException.environment(member + " has no container"));
    if (!Boolean.TRUE.equals(r.getState().getRunning())) {
      throw MadbaseException.environment(
          member + " is not running: a network fault needs its network namespace");
    }
    return hostPid(r)
        .orElseThrow(
            () ->
                MadbaseException.environment(
                    "the process of "
                        + member
                        + "'s container is not one of this machine's (an engine on another"
                        + " machine, "
                        + driver.engineHost()
                        + "?): partitions are made from the engine's own host"));
  }

  /** The addresses {@code member}'s container has on its networks; empty when it is not running. */
  List<String> addresses(String member) {
    Optional<Container> c = driver.members().find(member);
    if (c.isEmpty()) {
      return List.of();
    }
    Optional<InspectContainerResponse> r = inspect(c.get().getId());
    if (r.isEmpty()
        || !Boolean.TRUE.equals(r.get().getState().getRunning())
        || r.get().getNetworkSettings() == null
        || r.get().getNetworkSettings().getNetworks() == null) {
      return List.of();
    }
    return r.get().getNetworkSettings().getNetworks().values().stream()
        .map(ContainerNetwork::getIpAddress)
        .filter(ip -> ip != null && !ip.isBlank())
        .distinct()
        .toList();
  }

  /** Packets each rule dropped, by its comment ("pg1 -> e1"), from {@code iptables -L -v -n -x}. */
  static Map<String, Long> dropped(String listing) {
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher m = COUNTER.matcher(listing);
    while (m.find()) {
      out.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
    }
    return out;
  }

  static boolean hasChain(String listing) {
    return listing.lines().anyMatch(l -> l.strip().equals("-N " + CHAIN));
  }

  static int jumps(String listing, String hook) {
    return (int)
        listing.lines().filter(l -> l.strip().equals("-A " + hook + " -j " + CHAIN)).count();
  }

  private static String iptables(long pid, List<String> args, String stdin) {
    return iptables(pid, args, stdin, "iptables");
  }

  /** {@code tool args} in the network namespace of {@code pid}, from the host. */
  private static String iptables(long pid, List<String> args, String stdin, String tool) {
    List<String> cmd = new ArrayList<>(inNamespace(pid));
    cmd.add(binary(tool).map(Path::toString).orElse(tool));
    cmd.addAll(args);
    return HostCommand.run(
        cmd,
        stdin,
        Duration.ofSeconds(20),
        tool + " " + String.join(" ", args) + " in the namespace of PID " + pid,
        "install util-linux and iptables (scripts/install-deps.sh)");
  }

  /** What runs a host tool in the network namespace of {@code pid}. */
  static List<String> inNamespace(long pid) {
    return List.of(
        binary("nsenter").map(Path::toString).orElse("nsenter"), "-t", Long.toString(pid), "-n");
  }
}
