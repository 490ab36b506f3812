package io.madbase.load;

import java.util.Locale;

/**
 * What each request of a run is. A closed set: one path read over and over, or the gateway's
 * read/write mix (docs/loadtest.md).
 */
public sealed interface Workload permits Workload.Get, Workload.Mix {

  /** One request: method, path with query, and a JSON body for writes (null for reads). */
  record Shape(String method, String pathAndQuery, String body) {}

  /**
   * The {@code i}-th request of the run (0-based); the same {@code i} always gives the same
   * request.
   */
  Shape request(long i);

  /** Whether the {@code i}-th request is a read (a GET), without building it. */
  default boolean isRead(long i) {
    return "GET".equals(request(i).method());
  }

  /** For reports: {@code GET /health} or {@code mix 9:1 (reads ... / writes ...)}. */
  String describe();

  /** {@code --path}: a GET of the same path (and query) every time. */
  record Get(String path) implements Workload {
    @Override
    public Shape request(long i) {
      return new Shape("GET", path, null);
    }

    @Override
    public String describe() {
      return "GET " + path;
    }
  }

  /**
   * {@code --mix R:W}: of every R+W requests, R reads ({@code GET /rest/v1/items?id=eq.N}, a
   * primary-key lookup) and W writes ({@code POST /rest/v1/items}, one small row). Reads and writes
   * are interleaved evenly, not in blocks, so every second sees the same mix.
   */
  record Mix(int reads, int writes) implements Workload {
    public static final String READ_PATH = "/rest/v1/items?id=eq.";
    public static final String WRITE_PATH = "/rest/v1/items";

    /** Reads look up ids 1..ID_SPACE: present or not, the query is the same index lookup. */
    static final long ID_SPACE = 1000;

    @Override
    public boolean isRead(long i) {
      int period = reads + writes;
      // Bresenham-style spread: request i is a write when the running share of writes crosses a
      // whole number
      long slot = i % period;
      return (slot + 1) * writes / period <= slot * writes / period;
    }

    @Override
    public Shape request(long i) {
      if (!isRead(i)) {
        return new Shape(
            "POST",
            WRITE_PATH,
            String.format(Locale.ROOT, "{\"name\":\"loadtest-%d\",\"qty\":%d}", i, i % 100));
      }
      return new Shape("GET", READ_PATH + (i % ID_SPACE + 1), null);
    }

    @Override
    public String describe() {
      return "mix "
          + reads
          + ":"
          + writes
          + " (reads GET "
          + READ_PATH
          + "N, writes POST "
          + WRITE_PATH
          + ")";
    }

    /**
     * Parses {@code R:W}; empty when it is not two non-negative whole numbers with a positive sum.
     */
    public static java.util.Optional<Mix> parse(String text) {
      var m = java.util.regex.Pattern.compile("(\\d{1,6}):(\\d{1,6})").matcher(text.strip());
      if (!m.matches()) {
        return java.util.Optional.empty();
      }
      int r = Integer.parseInt(m.group(1));
      int w = Integer.parseInt(m.group(2));
      return r + w == 0 ? java.util.Optional.empty() : java.util.Optional.of(new Mix(r, w));
    }
  }
}
