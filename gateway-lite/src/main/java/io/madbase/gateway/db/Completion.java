package io.madbase.gateway.db;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The result of a routed call for code that must have it now. */
public final class Completion {
  private Completion() {}

  /**
   * The value of {@code f}, waiting for it when it is not done (this blocks the caller's thread:
   * only for lookups that are cached, such as project configs); its failure is thrown as it came.
   */
  public static <T> T join(CompletableFuture<T> f) throws SQLException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof SQLException s) {
        throw s;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
