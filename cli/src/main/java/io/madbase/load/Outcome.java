package io.madbase.load;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The kind of an error, as reports name it: {@code http_503}, {@code timeout}, {@code
 * connect_refused}, ...
 */
final class Outcome {
  static final String QUEUE_FULL = "queue_full";
  static final String TIMEOUT = "timeout";
  static final String TIMEOUT_BEFORE_SEND = "timeout_before_send";
  static final String UNFINISHED = "unfinished";

  private Outcome() {}

  /** {@code http_404}, {@code http_503}: any status that is not 2xx. */
  static String status(int status) {
    return "http_" + status;
  }

  /** In words, for an error that has no response or failure of its own to show. */
  static String describe(String kind) {
    return switch (kind) {
      case QUEUE_FULL -> "not sent: the queue of requests waiting for a connection was full";
      case TIMEOUT_BEFORE_SEND -> "not sent: no connection was free within the request timeout";
      default -> kind;
    };
  }

  /**
   * The kind of a transport failure.
   *
   * @param began the request had started going out on a connection
   * @param ending the run was ending (its client stopping) when it failed
   */
  static String failure(Throwable failure, boolean began, boolean ending) {
    Throwable t = root(failure);
    if (t instanceof RejectedExecutionException) {
      return ending ? UNFINISHED : QUEUE_FULL;
    }
    if (t instanceof TimeoutException) {
      return began ? TIMEOUT : TIMEOUT_BEFORE_SEND;
    }
    if (ending) {
      return UNFINISHED;
    }
    if (t instanceof SocketTimeoutException) {
      return "connect_timeout";
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
      return "connect_refused";
    }
    if (t instanceof UnknownHostException) {
      return "unknown_host";
    }
    String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (msg.contains("reset")) {
      return "connection_reset";
    }
    if (t instanceof EOFException
        || t instanceof ClosedChannelException
        || t instanceof org.eclipse.jetty.io.EofException
        || msg.contains("closed")) {
      return "connection_closed";
    }
    if (t instanceof org.eclipse.jetty.client.HttpResponseException
        || t instanceof org.eclipse.jetty.http.HttpException) {
      return "bad_response";
    }
    return "error_" + t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static Throwable root(Throwable t) {
    Throwable c = t;
    // the informative exception is the deepest one we know, not a wrapper
    for (int i = 0; i < 10 && c.getCause() != null && !known(c); i++) {
      c = c.getCause();
    }
    return c;
  }

  private static boolean known(Throwable t) {
    return t instanceof RejectedExecutionException
        || t instanceof TimeoutException
        || t instanceof ConnectException
        || t instanceof SocketTimeoutException;
  }
}
