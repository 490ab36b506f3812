package io.madbase.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/** One request of a load run: when it was due, when it started going out, how it ended. */
final class Exchange implements Request.BeginListener, Response.CompleteListener {
  final long index;
  final long due;
  private final boolean isMeasured;
  private final boolean read;
  private final Tally tally;
  private final Accounting accounting;
  private final FixedConnections<Exchange> connections;
  private final BooleanSupplier ending;
  private volatile long begun;
  private Connection connection;

  /** The start of an error response's body, kept while its kind has no sample yet. */
  private ByteArrayOutputStream errorBody;

  /** What this request's error said, if it has one. */
  private String sample;

  /**
   * @param ending whether the run is ending (a request cut then is unfinished, not failed)
   */
  Exchange(
      long index,
      long due,
      boolean isMeasured,
      boolean read,
      Accounting accounting,
      FixedConnections<Exchange> connections,
      BooleanSupplier ending) {
    this.index = index;
    this.due = due;
    this.isMeasured = isMeasured;
    this.read = read;
    this.accounting = accounting;
    this.tally = accounting.tally(isMeasured);
    this.connections = connections;
    this.ending = ending;
  }

  /** Goes out on {@code c}; the connection is released when it ends. */
  void sendOn(Connection c, Request r) {
    connection = c;
    c.send(r.onRequestBegin(this).onResponseContent(this::content), this);
  }

  /** It could not even be built: this run's error, not the scheduler's end. */
  void unbuildable(Connection c, RuntimeException e) {
    sample = e.toString();
    end(Outcome.failure(e, false, false), false);
    connections.release(c);
  }

  @Override
  public void onBegin(Request request) {
    long now = System.nanoTime();
    begun = now;
    accounting.begun(tally, isMeasured, now - due);
  }

  /** Response content: kept only for an error whose kind has no sample yet. */
  void content(Response response, ByteBuffer content) {
    int status = response.getStatus();
    if (status >= 200 && status < 300 || tally.hasSample(Outcome.status(status))) {
      return;
    }
    if (errorBody == null) {
      errorBody = new ByteArrayOutputStream();
    }
    int room = Tally.SAMPLE_BYTES - errorBody.size();
    if (room > 0) {
      byte[] b = new byte[Math.min(room, content.remaining())];
      content.get(b);
      errorBody.write(b, 0, b.length);
    }
  }

  @Override
  public void onComplete(Result result) {
    String kind;
    if (result.getResponse() != null
        && result.getResponseFailure() == null
        && result.getRequestFailure() == null) {
      int status = result.getResponse().getStatus();
      tally.completed.increment();
      kind = status >= 200 && status < 300 ? null : Outcome.status(status);
      if (kind != null) {
        sample = errorBody == null ? "" : errorBody.toString(StandardCharsets.UTF_8).strip();
      }
    } else {
      kind = Outcome.failure(result.getFailure(), begun != 0, ending.getAsBoolean());
      sample = String.valueOf(result.getFailure());
    }
    end(kind, true);
    connections.release(connection);
  }

  /**
   * Accounts for the request's end.
   *
   * @param kind null for ok, else the error's kind
   * @param waited it waited (on a connection or in the queue) and its latency counts; false for one
   *     refused at once
   */
  void end(String kind, boolean waited) {
    accounting.ended(
        tally, isMeasured, read, due, System.nanoTime(), begun != 0, waited, kind, sample);
  }
}
