package io.madbase.cli;

import io.madbase.driver.NodeInfo;
import io.madbase.driver.OsUser;
import io.madbase.driver.Preflight;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackState;
import io.madbase.driver.docker.DockerPreflight;
import io.madbase.stack.Member;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code madbase doctor}: can this machine run the stack? */
@Command(
    name = "doctor",
    description = {
      "Check that this machine can run the stack.",
      "local driver: binaries and versions, the PostgreSQL user, free addresses and ports;",
      "docker driver: the engine, the base and stack images, free published ports;",
      "local driver: whether partitions work here (cgroup v2, nft, root), the tc qdiscs the",
      "kernel has (htb for bandwidth caps, netem), and any partition or bandwidth cap a",
      "killed chaos run left;",
      "docker driver: whether partitions work here (root, nsenter, iptables), and any",
      "partition or bandwidth cap a killed chaos run left in the stack's containers;",
      "both: disk space, and the exact install command for what is missing."
    },
    mixinStandardHelpOptions = true)
public final class Doctor implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;

  @Option(names = "--install", description = "Install missing packages with apt-get (root only).")
  boolean install;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    StackSpec s = stack.load().spec();
    Set<String> running = new LinkedHashSet<>();
    List<Preflight.Finding> findings = new ArrayList<>();
    if (StackState.load(stack.stateDir()).isPresent()) {
      try (StackLifecycle d = stack.attach()) {
        d.nodes().stream().filter(NodeInfo::alive).map(NodeInfo::name).forEach(running::add);
        if (!running.isEmpty()) {
          findings.add(
              new Preflight.Finding(
                  "stack",
                  true,
                  "a stack is running in "
                      + stack.stateDir()
                      + " on the "
                      + d.name()
                      + " driver ("
                      + running.size()
                      + " members): its ports are not checked",
                  ""));
        }
        if (d.name().equals("docker")) {
          // the local driver's leftovers are nft tables, which NetworkFaults lists for any stack
          for (String left : d.faults().leftoverPartitions()) {
            findings.add(
                new Preflight.Finding(
                    "network",
                    false,
                    left + " (a chaos run was killed before it could heal it)",
                    "madbase down --state-dir " + stack.stateDir()));
          }
        }
      }
    }
    if (s.driver().equals("docker")) {
      findings.addAll(DockerPreflight.check(s, running));
      findings.add(Preflight.disk(stack.stateDir()));
      return report(out, findings, Set.of(), s);
    }
    findings.addAll(Preflight.binaries(s, true));
    Set<String> missingPackages = new LinkedHashSet<>();
    for (Preflight.Binary b : Preflight.binaries(s)) {
      if (b.pkg() != null && !java.nio.file.Files.isExecutable(java.nio.file.Path.of(b.path()))) {
        missingPackages.add(b.pkg());
      }
    }
    if (install && !missingPackages.isEmpty()) {
      if (!OsUser.isRoot()) {
        out.println("--install needs root; run: " + Preflight.installCommand(missingPackages));
      } else {
        out.println("installing " + String.join(" ", missingPackages) + " ...");
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
        cmd.addAll(missingPackages);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        p.waitFor();
        findings = new ArrayList<>(Preflight.binaries(s, true));
      }
    }
    String pgUser = s.local().postgresUser();
    if (OsUser.isRoot()) {
      findings.add(
          OsUser.lookup(pgUser)
              .map(
                  u ->
                      new Preflight.Finding(
                          "user",
                          true,
                          "running as root: PostgreSQL will run as '"
                              + u.name()
                              + "' (uid "
                              + u.uid()
                              + ")",
                          ""))
              .orElse(
                  new Preflight.Finding(
                      "user",
                      false,
                      "running as root, and user '" + pgUser + "' does not exist",
                      Preflight.installCommand(Set.of("postgresql-15")))));
    } else {
      findings.add(
          new Preflight.Finding(
              "user",
              true,
              "running as " + System.getProperty("user.name") + ": PostgreSQL runs as this user",
              ""));
    }
    Topology topo = Topology.local(s);
    Set<String> members =
        topo.members().stream()
            .map(Member::name)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    members.removeAll(running);
    List<Preflight.Finding> ports = Preflight.ports(s, topo, members);
    findings.addAll(ports.stream().filter(f -> !f.ok()).toList());
    findings.add(
        new Preflight.Finding(
            "port",
            true,
            ports.stream().filter(Preflight.Finding::ok).count()
                + " addresses:ports free for the stack's members",
            ""));
    findings.add(Preflight.disk(stack.stateDir()));
    findings.addAll(io.madbase.driver.local.NetworkFaults.findings());
    return report(out, findings, missingPackages, s);
  }

  private int report(
      PrintWriter out, List<Preflight.Finding> findings, Set<String> missingPackages, StackSpec s) {
    boolean ok = true;
    Set<String> fixes = new LinkedHashSet<>();
    for (Preflight.Finding f : findings) {
      out.printf("%s %-7s %s%n", f.ok() ? "ok  " : "FAIL", f.area(), f.what());
      if (!f.ok()) {
        ok = false;
        if (!f.fix().isEmpty()) {
          fixes.add(f.fix());
        }
      }
    }
    if (!missingPackages.isEmpty() && !install) {
      fixes.add(
          Preflight.installCommand(missingPackages)
              + (OsUser.isRoot() ? "   (or: madbase doctor --install)" : ""));
    }
    for (Preflight.Caveat c : Preflight.caveats(s)) {
      out.printf("%s %-7s %s%n", "warn", c.area(), c.what());
      out.printf("             %s%n", c.detail());
    }
    fixes.forEach(f -> out.println("fix: " + f));
    out.println(ok ? "this machine can run the stack" : "this machine cannot run the stack yet");
    return ok ? 0 : 3;
  }
}
