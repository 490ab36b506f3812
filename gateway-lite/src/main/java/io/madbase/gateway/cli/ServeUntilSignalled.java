package io.madbase.gateway.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a server running until SIGTERM/SIGINT, then closes it gracefully on the calling thread. The
 * signal handlers are installed by {@link #arm()}, before the server starts listening: a SIGTERM
 * that came between "listening on" and the handlers once met the JVM's default and exited 143 (a
 * supervisor may signal a process the moment it sees it listen). A JVM shutdown hook (System.exit
 * elsewhere, other signals) closes the server too; closing twice is safe.
 */
final class ServeUntilSignalled {
  private final CountDownLatch stop = new CountDownLatch(1);

  private ServeUntilSignalled() {}

  /** Takes SIGTERM and SIGINT from now on: a signal before {@link #serve} ends it at once. */
  static ServeUntilSignalled arm() {
    ServeUntilSignalled s = new ServeUntilSignalled();
    Signals.onTerminate(s.stop::countDown);
    return s;
  }

  void serve(AutoCloseable server) throws Exception {
    Thread hook = new Thread(() -> closeQuietly(server), "graceful-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs, and closing twice is safe
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the JVM is exiting
    }
  }
}
