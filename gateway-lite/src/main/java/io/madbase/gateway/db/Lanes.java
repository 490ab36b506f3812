package io.madbase.gateway.db;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads database work runs on, one lane per kind of pool. A lane has as many threads as its
 * pool has connections: more would only wait for a connection, and a server that stops answering
 * ties up its own lane, not the request threads or another lane. Work waits in the lane's queue;
 * what is held waits outside it (HeldCall), bounded by HOLD_MAX.
 */
final class Lanes {
  private Lanes() {}

  static ExecutorService fixed(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor lane =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // idle lanes (a gateway without tenants) cost no threads
    lane.allowCoreThreadTimeOut(true);
    return lane;
  }

  /** Stops taking work; what runs now finishes within the pools' own timeouts. */
  static void stop(ExecutorService lane) {
    lane.shutdown();
  }
}
