package io.madbase.gateway.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a server running until SIGTERM/SIGINT, then closes it gracefully on the calling thread. A
 * JVM shutdown hook (System.exit elsewhere, other signals) closes it too; closing twice is safe.
 */
final class ServeUntilSignalled {
  private ServeUntilSignalled() {}

  static void run(AutoCloseable server) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> closeQuietly(server), "graceful-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(hook);
    Signals.onTerminate(stop::countDown);
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
