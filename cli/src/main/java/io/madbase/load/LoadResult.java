package io.madbase.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a load run measured. Counts and latencies cover the measured part (after the warmup); {@link
 * #seconds} covers the whole run, warmup included, one bucket per second. Times in {@code *_nanos}
 * fields are {@link System#nanoTime()} values of this JVM, so they line up with other timelines
 * taken in the same process (a chaos run's events).
 *
 * @param target the server's scheme, host and port
 * @param workload what the requests were
 * @param requestedRate requests per second asked for
 * @param duration the measured part asked for (null: until stopped)
 * @param warmup the part not counted
 * @param startedAt wall-clock time of the first intended send
 * @param startNanos nanoTime of the first intended send (the warmup's start)
 * @param measureStartNanos nanoTime where counting starts (start + warmup)
 * @param endNanos nanoTime when the last request of the run finished (or was given up)
 * @param measuredSeconds from the measured part's start to the last measured request's end
 * @param stoppedEarly {@link RunningLoad#stop()} ended the run before its duration
 * @param counts what happened to the measured requests
 * @param errorsByKind errors of the measured requests, by kind (http_503, timeout, connect_refused,
 *     queue_full, ...)
 * @param errorSamples the first error of each kind as it came: the start of the response body for a
 *     status, the failure for a transport error
 * @param throughput achieved rates
 * @param latency from each request's intended send time to its end, in milliseconds
 * @param sendLag from each request's intended send time to when it started going out on a
 *     connection
 * @param lateAfter the threshold above which a send lag counts as late
 * @param connections what was asked, established and held
 * @param seconds per-second buckets over the whole run
 */
public record LoadResult(
    String target,
    String workload,
    double requestedRate,
    Duration duration,
    Duration warmup,
    Instant startedAt,
    long startNanos,
    long measureStartNanos,
    long endNanos,
    double measuredSeconds,
    boolean stoppedEarly,
    Counts counts,
    Map<String, Long> errorsByKind,
    Map<String, String> errorSamples,
    Throughput throughput,
    Latency latency,
    Latency sendLag,
    Duration lateAfter,
    Connections connections,
    List<Second> seconds) {

  /**
   * @param scheduled requests whose intended send time fell in the measured part
   * @param sent requests that started going out on a connection
   * @param completed requests that got a whole response (any status)
   * @param ok responses with a 2xx status
   * @param errors everything that was not ok: non-2xx statuses, timeouts, connection failures,
   *     requests not sent
   * @param late sent requests that started going out more than {@code late_after} after their
   *     intended time
   * @param notSent requests that never went out: the queue was full, they timed out waiting for a
   *     connection, or the run ended first
   */
  public record Counts(
      long scheduled, long sent, long completed, long ok, long errors, long late, long notSent) {
    /** errors / scheduled; 0 for a run that scheduled nothing. */
    @JsonProperty("error_rate")
    public double errorRate() {
      return scheduled == 0 ? 0 : (double) errors / scheduled;
    }
  }

  /**
   * @param requestsPerSecond requests that ended (any outcome, not counting those never sent) per
   *     measured second
   * @param okPerSecond 2xx responses per measured second
   * @param ofRequested requestsPerSecond / the requested rate
   */
  public record Throughput(double requestsPerSecond, double okPerSecond, double ofRequested) {}

  /** Percentiles in milliseconds (HdrHistogram, 3 significant digits) and how many values. */
  public record Latency(
      long count, double p50, double p90, double p99, double p999, double max, double mean) {
    public static final Latency EMPTY = new Latency(0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * @param requested connections asked for
   * @param established open in the client's pool once pre-opening finished
   * @param kernelEstablished ESTABLISHED TCP sockets this process held to the target at that
   *     moment, counted by the kernel (null when it could not be read)
   * @param serverSide ESTABLISHED TCP sockets at the target's address and port on this machine,
   *     from any client (null when the target is not on this machine)
   * @param minOpen fewest connections open in the client's pool at any second of the measured part
   * @param atEnd open in the client's pool when the measured part ended
   * @param kernelAtEnd the kernel's count of this process's sockets to the target then
   * @param openedTotal connections opened during the whole run, pre-opened ones included (more than
   *     requested: some were replaced)
   * @param method how the kernel counts were taken
   * @param firstFailure why a connection could not be opened, if one could not
   */
  public record Connections(
      int requested,
      int established,
      Integer kernelEstablished,
      Integer serverSide,
      int minOpen,
      int atEnd,
      Integer kernelAtEnd,
      long openedTotal,
      String method,
      String firstFailure) {
    /**
     * All requested connections were opened and held: the client's pool, the kernel's count of this
     * process's sockets and, for a server on this machine, the server side's count (which includes
     * other clients, so it may be higher, never lower) all reach {@code requested}.
     */
    @JsonProperty("held")
    public boolean held() {
      boolean kernel = kernelEstablished == null || kernelEstablished >= requested;
      boolean server = serverSide == null || serverSide >= requested;
      return established >= requested && kernel && server && minOpen >= requested;
    }
  }

  /**
   * One second of the run, counted by when requests ended (their latency still runs from their
   * intended send time).
   *
   * @param index seconds since the run's start (0 is the first second of the warmup)
   * @param startNanos nanoTime at the bucket's start
   * @param endNanos nanoTime at its end (a last bucket may be shorter than a second)
   * @param warmup the bucket started in the warmup
   * @param scheduled intended sends in the bucket
   * @param completed requests that ended in the bucket (any outcome)
   * @param ok of those, 2xx responses
   * @param errors of those, not ok (not-sent ones included)
   * @param late sends in the bucket that were late
   * @param p50 median latency of requests that ended in the bucket, ms
   * @param p99 99th percentile, ms
   * @param max slowest, ms
   * @param openConnections connections open in the client's pool at the bucket's end
   * @param reads the reads of the bucket, on their own
   */
  public record Second(
      int index,
      long startNanos,
      long endNanos,
      boolean warmup,
      long scheduled,
      long completed,
      long ok,
      long errors,
      long late,
      double p50,
      double p99,
      double max,
      int openConnections,
      Reads reads) {
    /** Requests that ended per second in this bucket. */
    @JsonProperty("rate")
    public double rate() {
      double s = (endNanos - startNanos) / 1e9;
      return s <= 0 ? 0 : completed / s;
    }
  }

  /**
   * The reads (GET requests) of one second.
   *
   * @param offered reads whose intended send time fell in the second
   * @param ok reads that ended in the second with a 2xx status
   * @param errors reads that ended in the second otherwise
   * @param p99 99th percentile latency of the reads that ended in the second, ms
   */
  public record Reads(long offered, long ok, long errors, double p99) {
    public static final Reads NONE = new Reads(0, 0, 0, 0);
  }
}
