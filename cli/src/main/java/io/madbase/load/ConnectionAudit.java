package io.madbase.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The connections of a load run checked three ways: what the client opened, what the kernel counts
 * as established to the target, and (on this machine) what the server side holds; at the start, the
 * fewest open during the measured seconds, and at the end.
 */
final class ConnectionAudit {
  /**
   * How long the server side's count may take to catch up with the client's (a retransmitted
   * handshake).
   */
  private static final Duration SERVER_SIDE_SETTLE = Duration.ofMillis(3500);

  private final InetSocketAddress target;
  private final int requested;
  private int established;
  private Integer kernelEstablished;
  private Integer serverSide;
  private String firstFailure;
  private int atEnd;
  private Integer kernelAtEnd;

  ConnectionAudit(InetSocketAddress target, int requested) {
    this.target = target;
    this.requested = requested;
  }

  /** Opens the run's fixed set of connections and counts them. */
  void open(FixedConnections<?> connections, Duration wait) {
    established = connections.open(wait);
    firstFailure = connections.firstFailure();
    kernelEstablished = SocketCensus.ownTo(target).orElse(null);
    serverSide = SocketCensus.isLocal(target.getAddress()) ? serverSideCount(established) : null;
  }

  /**
   * The server side's count, given a moment to catch up: the client sees a connection established
   * when the SYN-ACK arrives, the server when the last ACK does; a server whose listen backlog
   * overflowed drops that ACK and completes the handshake only on a retransmit, a second later.
   */
  private Integer serverSideCount(int expected) {
    long until = System.nanoTime() + SERVER_SIDE_SETTLE.toNanos();
    Integer n = SocketCensus.atServer(target).orElse(null);
    while (n != null && n < expected && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      n = SocketCensus.atServer(target).orElse(null);
    }
    return n;
  }

  /** Counts them again when the schedule ends: {@code open} still in the client's set. */
  void atEnd(int open) {
    atEnd = open;
    kernelAtEnd = SocketCensus.ownTo(target).orElse(null);
  }

  int established() {
    return established;
  }

  Integer kernelEstablished() {
    return kernelEstablished;
  }

  String firstFailure() {
    return firstFailure;
  }

  /**
   * @param minOpen the fewest open in a measured second (MAX_VALUE: no measured second: the count
   *     at the end stands in)
   * @param opened every connection the client opened over the run
   */
  LoadResult.Connections result(int minOpen, long opened) {
    return new LoadResult.Connections(
        requested,
        established,
        kernelEstablished,
        serverSide,
        minOpen == Integer.MAX_VALUE ? atEnd : minOpen,
        atEnd,
        kernelAtEnd,
        opened,
        SocketCensus.METHOD,
        firstFailure);
  }
}
