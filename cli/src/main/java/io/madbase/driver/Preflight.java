package io.madbase.driver;

import io.madbase.render.LocalLayout;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the machine must offer before the local driver starts anything: the binaries, free ports on
 * each member's address, disk space. {@code madbase doctor} prints these; {@code madbase up} runs
 * them first and starts nothing when one fails (exit 3).
 */
public final class Preflight {
  /** One finding: ok or not, what, and what to do. */
  public record Finding(String area, boolean ok, String what, String fix) {}

  /** A binary the local stack needs, and the Debian package that provides it. */
  public record Binary(String name, String path, String pkg, String versionFlag) {}

  public static final List<Binary> BINARIES =
      List.of(
          new Binary("etcd", "/usr/bin/etcd", "etcd-server", "--version"),
          new Binary("patroni", "/usr/bin/patroni", "patroni", "--version"),
          new Binary(
              "postgres", LocalLayout.POSTGRES_BIN + "/postgres", "postgresql-15", "--version"),
          new Binary(
              "pg_basebackup", LocalLayout.POSTGRES_BIN + "/pg_basebackup", "postgresql-15", null),
          new Binary("pg_rewind", LocalLayout.POSTGRES_BIN + "/pg_rewind", "postgresql-15", null),
          new Binary("haproxy", "/usr/sbin/haproxy", "haproxy", "-v"),
          new Binary("redis-server", "/usr/bin/redis-server", "redis-server", "--version"),
          new Binary("redis-sentinel", "/usr/bin/redis-sentinel", "redis-sentinel", "--version"),
          new Binary("setsid", "/usr/bin/setsid", "util-linux", null),
          new Binary("setpriv", "/usr/bin/setpriv", "util-linux", null));

  /**
   * Bytes the stack needs: etcd preallocates ~122 MB a member (docs/running-natively.md), plus
   * PostgreSQL.
   */
  static final long MIN_FREE_BYTES = 1L << 30;

  private Preflight() {}

  /** {@link #BINARIES} with the Patroni the spec names ({@code local.patroni}). */
  public static List<Binary> binaries(StackSpec spec) {
    String patroni = spec.local().patroni();
    return BINARIES.stream()
        .map(
            b ->
                b.name().equals("patroni") && !patroni.equals(b.path())
                    ? new Binary("patroni", patroni, null, b.versionFlag())
                    : b)
        .toList();
  }

  public static List<Finding> binaries(StackSpec spec, boolean withVersions) {
    List<Finding> out = new ArrayList<>();
    for (Binary b : binaries(spec)) {
      Path p = Path.of(b.path());
      if (!Files.isExecutable(p)) {
        out.add(
            new Finding(
                "binary",
                false,
                b.name() + " missing (" + b.path() + ")",
                b.pkg() == null
                    ? "check local.patroni in madbase.yaml: " + b.path() + " is not executable"
                    : installCommand(Set.of(b.pkg()))));
      } else {
        String version = withVersions && b.versionFlag() != null ? " " + version(b) : "";
        out.add(new Finding("binary", true, b.name() + version, ""));
      }
    }
    return out;
  }

  /** The exact command that installs {@code packages}. */
  public static String installCommand(Set<String> packages) {
    String sudo = OsUser.isRoot() ? "" : "sudo ";
    return sudo
        + "apt-get install -y "
        + String.join(" ", new java.util.TreeSet<>(packages))
        + "   (or: "
        + sudo
        + "scripts/install-deps.sh)";
  }

  /** Every address:port the stack's members listen on, by member name. */
  public static Map<String, List<InetSocketAddress>> listenAddresses(
      StackSpec spec, Topology topo) {
    Map<String, List<InetSocketAddress>> out = new LinkedHashMap<>();
    for (Member m : topo.members()) {
      List<Integer> ports =
          switch (m.role()) {
            case ETCD -> List.of(spec.etcd().clientPort(), spec.etcd().peerPort());
            case POSTGRES -> List.of(spec.postgres().port(), spec.postgres().restPort());
            case HAPROXY -> topo.ports(m).stream().map(p -> p.number(spec)).toList();
            case REDIS -> List.of(spec.redis().port());
            case SENTINEL -> List.of(spec.sentinel().port());
            case GATEWAY -> List.of(spec.gateway().port());
            case WORKER -> List.of(spec.workers().port());
          };
      out.put(m.name(), ports.stream().map(p -> new InetSocketAddress(m.host(), p)).toList());
    }
    return out;
  }

  /**
   * Checks that every address:port of the members in {@code members} can be bound now; a taken one
   * is reported with the process holding it, as {@code ss} tells.
   */
  public static List<Finding> ports(StackSpec spec, Topology topo, Set<String> members) {
    return ports(
        listenAddresses(spec, topo),
        members,
        "stop what holds it, or move the stack: change local.subnet or the port in madbase.yaml");
  }

  /**
   * Checks that every address of the members in {@code members} can be bound now; a taken one is
   * reported with the process holding it, as {@code ss} tells, and {@code fix}.
   */
  public static List<Finding> ports(
      Map<String, List<InetSocketAddress>> addresses, Set<String> members, String fix) {
    List<Finding> out = new ArrayList<>();
    for (var e : addresses.entrySet()) {
      if (!members.contains(e.getKey())) {
        continue;
      }
      for (InetSocketAddress a : e.getValue()) {
        String where = a.getHostString() + ":" + a.getPort();
        try (ServerSocket s = new ServerSocket()) {
          s.bind(a);
          out.add(new Finding("port", true, where + " free (" + e.getKey() + ")", ""));
        } catch (BindException ex) {
          String holder = holder(a);
          out.add(
              new Finding(
                  "port",
                  false,
                  where
                      + " is taken"
                      + (holder.isEmpty() ? "" : " by " + holder)
                      + " (needed by "
                      + e.getKey()
                      + ")",
                  fix));
        } catch (IOException ex) {
          out.add(
              new Finding(
                  "port",
                  false,
                  where + ": cannot bind: " + ex.getMessage() + " (needed by " + e.getKey() + ")",
                  "check that " + a.getHostString() + " is a loopback address on this machine"));
        }
      }
    }
    return out;
  }

  public static Finding disk(Path stateDir) {
    Path existing = stateDir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      long free = Files.getFileStore(existing).getUsableSpace();
      boolean ok = free >= MIN_FREE_BYTES;
      return new Finding(
          "disk",
          ok,
          (free >> 20)
              + " MiB free under "
              + existing
              + (ok ? "" : " (the stack needs about 1 GiB)"),
          ok ? "" : "free some space or use --state-dir on a larger file system");
    } catch (IOException e) {
      return new Finding(
          "disk", false, "cannot read free space of " + existing + ": " + e.getMessage(), "");
    }
  }

  /**
   * Which process listens on {@code address}, as ss tells: a listener on that address and port,
   * else one on every address (0.0.0.0 or [::]) with that port. Empty if unknown.
   */
  static String holder(InetSocketAddress address) {
    String exact =
        ss(List.of("ss", "-H", "-ltnp", "src", address.getHostString() + ":" + address.getPort()));
    return exact.isEmpty()
        ? ss(List.of("ss", "-H", "-ltnp", "sport = :" + address.getPort()))
        : exact;
  }

  private static String ss(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      var m = java.util.regex.Pattern.compile("\\(\\(\"([^\"]+)\",pid=(\\d+)").matcher(out);
      return m.find() ? m.group(1) + " pid " + m.group(2) : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String version(Binary b) {
    try {
      Process p = new ProcessBuilder(b.path(), b.versionFlag()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    } catch (IOException e) {
      return "(version unknown)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * Something that works but is known to break under a fault madbase can inject: doctor warns, it
   * does not refuse.
   */
  public record Caveat(String area, String what, String detail) {}

  /** The known issues of the versions of the binaries the spec's stack would run. */
  public static List<Caveat> caveats(StackSpec spec) {
    Binary patroni =
        binaries(spec).stream().filter(b -> b.name().equals("patroni")).findFirst().orElseThrow();
    if (!Files.isExecutable(Path.of(patroni.path()))) {
      return List.of();
    }
    return patroniCaveat(version(patroni)).map(List::of).orElse(List.of());
  }

  /**
   * Patroni before 3.0.3, on etcd3, writes its leader key unconditionally when its lease has
   * expired under it (patroni PR #2689, "make sure the leader key isn't unconditionally
   * overwritten"): a leader paused longer than ttl takes the key back from the node that replaced
   * it, and what that node committed is discarded. Debian 12 ships 3.0.2; madbase's freeze-primary
   * scenario shows it.
   */
  public static java.util.Optional<Caveat> patroniCaveat(String versionLine) {
    var m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)").matcher(versionLine);
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    int[] v = {
      Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
    };
    boolean before303 = v[0] < 3 || (v[0] == 3 && v[1] == 0 && v[2] < 3);
    if (!before303) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Caveat(
            "patroni",
            "Patroni "
                + m.group()
                + " can let a paused old leader take its key back: writes lost (fixed in 3.0.3)",
            "after a freeze longer than ttl it overwrites the new leader's key in etcd (patroni PR"
                + " #2689); the new leader demotes and what it committed is discarded."
                + " `madbase chaos freeze-primary` shows it; docs/scenarios.md has the figures."));
  }

  /** Members of {@code role} in topological order, for callers that want names. */
  public static List<String> names(Topology topo, Role role) {
    return topo.of(role).stream().map(Member::name).toList();
  }
}
