package io.madbase.load;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;

/**
 * Exactly {@code size} connections to one destination, opened up front and lent out one request at
 * a time, oldest-idle first (so every connection carries requests and none idles long enough for a
 * server's idle timeout). Requests that find every connection busy wait in a bounded FIFO queue and
 * go out on the next connection that comes back.
 *
 * <p>Why not Jetty's own pool: under overload its {@code acquire} scans every pooled connection for
 * each queued request (O(connections) per send), which made the generator, not the server, the
 * bottleneck at a few thousand requests a second over 1000 connections. Here taking and returning a
 * connection is O(1). The connections are Jetty's ({@link Destination#newConnection()}), used
 * through its documented explicit-connection API ({@link Connection#send}).
 *
 * @param <T> what waits for a connection
 */
final class FixedConnections<T> {
  /** What to do with a request once it has a connection, or when it cannot have one. */
  interface Sender<T> {
    void send(Connection c, T item);

    /** The queue was full: the item is not sent. */
    void rejected(T item);

    /**
     * The item waited so long that sending it now is pointless (its timeout passed): it is failed
     * instead.
     */
    boolean expired(T item);
  }

  private final Destination destination;
  private final int size;
  private final int maxQueue;
  private final Sender<T> sender;
  private final Object lock = new Object();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<T> waiting = new ArrayDeque<>();
  private int open;
  private int opening;
  private volatile boolean closed;
  private volatile String firstFailure;

  FixedConnections(Destination destination, int size, int maxQueue, Sender<T> sender) {
    this.destination = destination;
    this.size = size;
    this.maxQueue = maxQueue;
    this.sender = sender;
  }

  /** Opens every connection, waiting at most {@code wait}; returns how many are open. */
  int open(Duration wait) {
    List<CompletableFuture<Connection>> futures = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      futures.add(destination.newConnection());
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (CompletableFuture<Connection> f : futures) {
      try {
        Connection c = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        synchronized (lock) {
          idle.addLast(c);
          open++;
        }
      } catch (ExecutionException e) {
        noteFailure(e.getCause() == null ? e : e.getCause());
      } catch (TimeoutException e) {
        noteFailure(
            new TimeoutException("connection still opening after " + wait.toMillis() + " ms"));
        f.thenAccept(Connection::close);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        f.thenAccept(Connection::close);
        break;
      }
    }
    return openCount();
  }

  /**
   * Sends {@code item} on an idle connection, or queues it, or rejects it when the queue is full.
   */
  void submit(T item) {
    Connection c;
    synchronized (lock) {
      c = takeIdle();
      if (c == null) {
        if (waiting.size() >= maxQueue) {
          c = null;
        } else {
          waiting.addLast(item);
          return;
        }
      }
    }
    if (c == null) {
      sender.rejected(item);
    } else {
      sender.send(c, item);
    }
  }

  /**
   * A request on {@code c} ended: the next waiting item goes out on it, or it becomes idle. A
   * connection that closed is replaced (counted in the client's opened total).
   */
  void release(Connection c) {
    if (closed) {
      return;
    }
    if (c.isClosed()) {
      lost();
      return;
    }
    while (true) {
      T next;
      synchronized (lock) {
        next = waiting.pollFirst();
        if (next == null) {
          idle.addLast(c);
          return;
        }
      }
      // an expired item is failed by the sender; the connection goes to the next one
      if (!sender.expired(next)) {
        sender.send(c, next);
        return;
      }
    }
  }

  /**
   * An idle connection that is still open; closed ones found on the way are replaced. Under the
   * lock.
   */
  private Connection takeIdle() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      if (!c.isClosed()) {
        return c;
      }
      open--;
      replaceLater();
    }
    return null;
  }

  private void lost() {
    synchronized (lock) {
      open--;
    }
    replaceLater();
  }

  /** Opens a connection in place of one that closed; what waits goes out on it. */
  private void replaceLater() {
    if (closed) {
      return;
    }
    synchronized (lock) {
      if (open + opening >= size) {
        return;
      }
      opening++;
    }
    destination
        .newConnection()
        .whenComplete(
            (c, failure) -> {
              synchronized (lock) {
                opening--;
                if (c != null) {
                  open++;
                }
              }
              if (c != null) {
                if (closed) {
                  c.close();
                } else {
                  release(c);
                }
              } else {
                noteFailure(failure);
              }
            });
  }

  private void noteFailure(Throwable t) {
    if (firstFailure == null) {
      firstFailure =
          t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
  }

  /** Items still waiting, taken out (the run is ending). */
  List<T> drainWaiting() {
    synchronized (lock) {
      List<T> out = new ArrayList<>(waiting);
      waiting.clear();
      return out;
    }
  }

  int openCount() {
    synchronized (lock) {
      return open;
    }
  }

  String firstFailure() {
    return firstFailure;
  }

  /** Closes every idle connection; busy ones close with the client. */
  void close() {
    closed = true;
    List<Connection> toClose;
    synchronized (lock) {
      toClose = new ArrayList<>(idle);
      idle.clear();
    }
    toClose.forEach(Connection::close);
  }
}
