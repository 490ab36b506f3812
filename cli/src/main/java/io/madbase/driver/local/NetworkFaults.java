package io.madbase.driver.local;

import io.madbase.driver.OsUser;
import io.madbase.driver.Preflight;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code madbase doctor} says about network faults on the local driver: whether partitions
 * work here (cgroup v2, nft, root), which tc qdiscs the kernel has (htb and tbf for a bandwidth
 * cap, netem for delay and loss), and any partition or bandwidth cap a killed chaos run left
 * behind.
 */
public final class NetworkFaults {
  private NetworkFaults() {}

  public static List<Preflight.Finding> findings() {
    List<Preflight.Finding> out = new ArrayList<>();
    var mount = Cgroups.mountPoint();
    boolean nft = NftPartitions.available();
    if (!OsUser.isRoot()) {
      out.add(
          new Preflight.Finding(
              "network",
              true,
              "partitions: not as " + System.getProperty("user.name") + " (they need root)",
              ""));
    } else if (mount.isEmpty()) {
      out.add(
          new Preflight.Finding(
              "network", true, "partitions: no cgroup v2 hierarchy mounted: not available", ""));
    } else if (!nft) {
      out.add(
          new Preflight.Finding(
              "network",
              true,
              "partitions: nft is missing: not available",
              Preflight.installCommand(java.util.Set.of("nftables"))));
    } else {
      out.add(
          new Preflight.Finding(
              "network",
              true,
              "partitions: every member in a cgroup of its own under "
                  + mount.get()
                  + "/madbase, cut with nft socket cgroupv2",
              ""));
      for (String t : NftPartitions.madbaseTables()) {
        out.add(
            new Preflight.Finding(
                "network",
                false,
                "nft table inet "
                    + t
                    + " is a partition a chaos run left (killed before it could heal it)",
                "madbase down --state-dir <that stack's state directory> (or: nft delete table inet "
                    + t
                    + ")"));
      }
      if (io.madbase.driver.TcShaper.available() && LocalFaults.loopback().installed()) {
        List<String> shaping = NftPartitions.shapingTables();
        out.add(
            new Preflight.Finding(
                "network",
                false,
                "an HTB qdisc (handle "
                    + io.madbase.driver.TcShaper.HANDLE
                    + ") on lo is a bandwidth cap a chaos run left"
                    + (shaping.isEmpty()
                        ? " (nothing marks packets for it any more)"
                        : " (nft table inet " + String.join(", ", shaping) + " marks for it)"),
                "madbase down --state-dir <that stack's state directory> (or: tc qdisc del dev lo"
                    + " root)"));
      }
    }
    if (OsUser.isRoot()) {
      out.add(
          new Preflight.Finding(
              "network",
              true,
              "tc qdiscs in this kernel: htb (bandwidth caps: the throttle action) "
                  + (qdiscWorks("htb") ? "yes" : "no")
                  + ", tbf "
                  + (qdiscWorks("tbf rate 1mbit burst 32kbit latency 50ms") ? "yes" : "no")
                  + ", netem (delay, loss) "
                  + (qdiscWorks("netem delay 1ms") ? "yes" : "no"),
              ""));
    }
    return out;
  }

  /**
   * Whether the kernel takes this qdisc, tried on the loopback of a network namespace made for the
   * test and removed after it: the machine's own interfaces are never touched.
   */
  static boolean qdiscWorks(String qdisc) {
    String ns = "madbase-qdisc-probe-" + ProcessHandle.current().pid();
    try {
      if (!run("ip", "netns", "add", ns)) {
        return false;
      }
      List<String> cmd =
          new ArrayList<>(
              List.of("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root"));
      cmd.addAll(List.of(qdisc.split(" ")));
      return run(cmd.toArray(String[]::new));
    } finally {
      run("ip", "netns", "delete", ns);
    }
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
