package io.madbase.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one part of a load run (its warmup, or what is measured). */
final class Tally {
  /** How much of the first error of each kind a report keeps. */
  static final int SAMPLE_BYTES = 400;

  final LongAdder scheduled = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder ended = new LongAdder();
  final LongAdder ok = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder notSent = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();

  boolean hasSample(String kind) {
    return samples.containsKey(kind);
  }

  /** Keeps the first error of each kind as it came (a body, or a failure), for the report. */
  void sample(String kind, String text) {
    samples.putIfAbsent(
        kind, text.length() > SAMPLE_BYTES ? text.substring(0, SAMPLE_BYTES) : text);
  }

  Map<String, String> samples() {
    return new TreeMap<>(samples);
  }

  void error(String kind) {
    errors.increment();
    byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  Map<String, Long> kinds() {
    Map<String, Long> m = new TreeMap<>();
    byKind.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  LoadResult.Counts counts() {
    return new LoadResult.Counts(
        scheduled.sum(),
        sent.sum(),
        completed.sum(),
        ok.sum(),
        errors.sum(),
        late.sum(),
        notSent.sum());
  }
}
