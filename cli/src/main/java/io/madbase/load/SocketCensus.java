package io.madbase.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Counts TCP connections the way the kernel sees them, from {@code /proc/net/tcp} and {@code
 * /proc/net/tcp6} (a Java socket is an IPv6 socket, so IPv4 peers show there as {@code
 * ::ffff:a.b.c.d}): a check on the client library's own count that needs no external tool.
 *
 * <p>{@link #ownTo} counts ESTABLISHED sockets owned by this process (their inodes are among {@code
 * /proc/self/fd}) whose remote end is the target; {@link #atServer} counts ESTABLISHED sockets
 * whose local end is the target, whichever process owns them: the server's side, when the server
 * runs on this machine.
 */
public final class SocketCensus {
  /** How the counts are taken, for reports. */
  public static final String METHOD =
      "kernel: ESTABLISHED sockets in /proc/net/tcp{,6}, this process's found through /proc/self/fd";

  private static final String ESTABLISHED = "01";
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private SocketCensus() {}

  /**
   * ESTABLISHED sockets of this process connected to {@code target}; empty when /proc cannot be
   * read.
   */
  public static Optional<Integer> ownTo(InetSocketAddress target) {
    Set<Long> mine = ownSocketInodes();
    if (mine == null) {
      return Optional.empty();
    }
    return count((local, remote, inode) -> mine.contains(inode) && remote.equals(target));
  }

  /**
   * ESTABLISHED sockets on this machine whose local end is {@code target}: the server's accepted
   * connections.
   */
  public static Optional<Integer> atServer(InetSocketAddress target) {
    return count((local, remote, inode) -> local.equals(target));
  }

  /**
   * Whether {@code host} is an address of this machine (so its server side can be counted here).
   */
  public static boolean isLocal(InetAddress host) {
    try {
      return host.isLoopbackAddress()
          || host.isAnyLocalAddress()
          || java.net.NetworkInterface.getByInetAddress(host) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private interface Match {
    boolean test(InetSocketAddress local, InetSocketAddress remote, long inode);
  }

  private static Optional<Integer> count(Match match) {
    int n = 0;
    boolean readAny = false;
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        continue;
      }
      readAny = true;
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length < 10 || !f[3].equals(ESTABLISHED)) {
          continue;
        }
        InetSocketAddress local = address(f[1]);
        InetSocketAddress remote = address(f[2]);
        if (local != null && remote != null && match.test(local, remote, Long.parseLong(f[9]))) {
          n++;
        }
      }
    }
    return readAny ? Optional.of(n) : Optional.empty();
  }

  /**
   * {@code 0100007F:1F90} (IPv4) or 32 hex digits and a port (IPv6): four 32-bit words in the
   * kernel's byte order.
   */
  static InetSocketAddress address(String field) {
    int colon = field.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String hex = field.substring(0, colon);
    int port = Integer.parseInt(field.substring(colon + 1), 16);
    if (hex.length() != 8 && hex.length() != 32) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < hex.length(); i += 8) {
      b.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
    }
    try {
      // a 16-byte IPv4-mapped address comes back as an Inet4Address
      return new InetSocketAddress(InetAddress.getByAddress(b.array()), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * Inodes of the sockets among this process's file descriptors; null when /proc/self/fd cannot be
   * read.
   */
  private static Set<Long> ownSocketInodes() {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(Long.parseLong(link.substring(8, link.length() - 1)));
          }
        } catch (IOException | NumberFormatException e) {
          // a descriptor closed while we looked
        }
      }
    } catch (IOException e) {
      return null;
    }
    return inodes;
  }
}
