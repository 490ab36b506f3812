package io.madbase.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bandwidth cap on one network interface, made with Linux traffic control: an HTB qdisc at the
 * root (handle {@value #HANDLE}) whose unclassified traffic leaves at once, unshaped, and one class
 * at the cap that u32 filters send the chosen packets to. Packets over the cap wait in the class's
 * queue, as on a slow link, and are dropped only when it is full.
 *
 * <p>Why HTB and u32: a cap must slow one link and leave the rest of the interface alone, which tbf
 * alone cannot (it shapes everything it sees), and the kernels we run on build in htb, tbf and u32
 * but not the fw classifier (so a firewall mark cannot choose the packets) nor netem (so no delay
 * or loss). u32 matches packet headers: a destination address in a container's namespace, a DSCP
 * value an nft rule wrote on loopback.
 *
 * <p>The drivers run it where the member's traffic leaves: the container's own interface, or the
 * host's loopback for the local driver. Removing the root qdisc removes everything.
 */
public final class TcShaper {
  /** The root qdisc's handle: "MB" in ASCII, so a cap madbase left is recognised as its own. */
  public static final String HANDLE = "4d42:";

  private static final String CLASS = "4d42:1";
  private static final Pattern SENT =
      Pattern.compile("Sent (\\d+) bytes (\\d+) pkt \\(dropped (\\d+), overlimits (\\d+)");
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final List<String> prefix;
  private final String device;
  private final String where;

  /**
   * @param prefix what runs tc in the right network namespace ({@code nsenter -t PID -n}), or
   *     nothing for the host's own
   * @param device the interface (lo, eth0)
   * @param where the interface as messages name it ("lo", "pg1's eth0")
   */
  public TcShaper(List<String> prefix, String device, String where) {
    this.prefix = List.copyOf(prefix);
    this.device = device;
    this.where = where;
  }

  /** Whether tc is installed here. */
  public static boolean available() {
    return HostCommand.binary("tc").isPresent();
  }

  /**
   * The interfaces of a network namespace that carry a cap of madbase's, from {@code tc qdisc show}
   * run with {@code prefix}.
   */
  public static List<String> devicesWithCap(List<String> prefix, String where) {
    return new TcShaper(prefix, "", where)
        .tc(List.of("qdisc", "show"), "")
        .lines()
        .map(l -> l.strip().split("\\s+"))
        .filter(
            f -> f.length > 4 && f[1].equals("htb") && f[2].equals(HANDLE) && f[3].equals("dev"))
        .map(f -> f[4])
        .distinct()
        .toList();
  }

  /** The qdisc at the interface's root now, as tc shows it: "noqueue 0: root refcnt 2". */
  public String root() {
    return tc(List.of("qdisc", "show", "dev", device, "root"), "")
        .lines()
        .findFirst()
        .map(l -> l.replaceFirst("^qdisc ", "").strip())
        .orElse("");
  }

  /** Whether a cap of madbase's is on the interface. */
  public boolean installed() {
    return root().startsWith("htb " + HANDLE);
  }

  /**
   * Puts the cap on: what any of {@code matches} (u32 selectors, such as {@code match ip dst
   * 10.0.0.5/32}) picks leaves at {@code rate} at most. All or nothing: a failure midway removes
   * what was made.
   */
  public void install(BitRate rate, List<String> matches) {
    String dev = " dev " + device + " ";
    StringBuilder batch = new StringBuilder();
    batch.append("qdisc add").append(dev).append("root handle ").append(HANDLE).append(" htb\n");
    batch
        .append("class add")
        .append(dev)
        .append("parent ")
        .append(HANDLE)
        .append(" classid ")
        .append(CLASS)
        .append(" htb rate ")
        .append(rate.tc())
        .append(" ceil ")
        .append(rate.tc())
        // bytes the class sends per round: at least the largest packet (loopback's are 64 KiB)
        .append(" quantum 65536")
        .append('\n');
    for (String m : matches) {
      batch
          .append("filter add")
          .append(dev)
          .append("parent ")
          .append(HANDLE)
          .append(" protocol ip prio 1 u32 ")
          .append(m)
          .append(" classid ")
          .append(CLASS)
          .append('\n');
    }
    try {
      tc(List.of("-batch", "-"), batch.toString());
    } catch (RuntimeException e) {
      if (installed()) {
        tc(List.of("qdisc", "del", "dev", device, "root"), "");
      }
      throw e;
    }
  }

  /**
   * What went through the cap so far.
   *
   * @param bytes bytes that left through it
   * @param packets packets that left through it
   * @param dropped packets dropped because its queue was full
   * @param delayed times a packet had to wait for the cap (HTB's overlimits)
   */
  public record Shaped(long bytes, long packets, long dropped, long delayed) {
    public String describe() {
      return bytes
          + " bytes in "
          + packets
          + " packets went through it, "
          + delayed
          + " times a packet waited, "
          + dropped
          + " dropped";
    }
  }

  /** What went through the cap so far; empty when none of madbase's is on. */
  public Optional<Shaped> shaped() {
    if (!installed()) {
      return Optional.empty();
    }
    Matcher m =
        SENT.matcher(tc(List.of("-s", "class", "show", "dev", device, "classid", CLASS), ""));
    return m.find()
        ? Optional.of(
            new Shaped(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4))))
        : Optional.empty();
  }

  /** Takes madbase's cap off, answering what went through it; empty when there was none. */
  public Optional<Shaped> remove() {
    Optional<Shaped> s = shaped();
    if (installed()) {
      tc(List.of("qdisc", "del", "dev", device, "root"), "");
      return s.or(() -> Optional.of(new Shaped(0, 0, 0, 0)));
    }
    return Optional.empty();
  }

  private String tc(List<String> args, String stdin) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(HostCommand.binary("tc").map(Object::toString).orElse("tc"));
    cmd.addAll(args);
    return HostCommand.run(
        cmd,
        stdin,
        TIMEOUT,
        "tc " + String.join(" ", args) + " on " + where,
        "install iproute2 (scripts/install-deps.sh)");
  }
}
