package io.madbase.gateway.db;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Values by key, evicted least-recently-used past a maximum count and dropped after an idle time.
 * It only decides: what it drops is returned to the caller, which closes it outside the lock (a
 * pool's retirement waits for its work). Caffeine's size eviction is W-TinyLFU, which keeps a value
 * used often long ago over one used once just now; the gateway promises LRU (issue 12), so this is
 * the JDK's access-ordered {@link LinkedHashMap}, whose iteration order is exactly that.
 */
final class IdleLru<K, V> {
  /** A value dropped, and why: {@code size}, {@code idle}, {@code replaced} or {@code closed}. */
  record Dropped<K, V>(K key, V value, String cause) {}

  /** The value {@link #use} returned and what had to make room for it. */
  record Use<K, V>(V value, List<Dropped<K, V>> dropped) {}

  private static final class Entry<V> {
    final V value;
    long lastUsed;

    Entry(V value, long lastUsed) {
      this.value = value;
      this.lastUsed = lastUsed;
    }
  }

  private final int maxSize;
  private final long idleNanos;
  private final Ticker ticker;
  // access order: the first entry is the least recently used
  private final LinkedHashMap<K, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);

  IdleLru(int maxSize, Duration idle, Ticker ticker) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
    }
    this.maxSize = maxSize;
    this.idleNanos = idle.toNanos();
    this.ticker = ticker;
  }

  /**
   * The value of {@code key}, marked as used now: the one held when {@code keep} accepts it, else a
   * new one from {@code create} (the old one is dropped as {@code replaced}). Values idle too long
   * and, past the maximum, the least recently used ones are dropped first.
   */
  synchronized Use<K, V> use(K key, Predicate<V> keep, Function<K, V> create) {
    long now = ticker.read();
    List<Dropped<K, V>> dropped = expire(now);
    Entry<V> e = entries.get(key);
    if (e != null && !keep.test(e.value)) {
      entries.remove(key);
      dropped.add(new Dropped<>(key, e.value, "replaced"));
      e = null;
    }
    if (e == null) {
      e = new Entry<>(create.apply(key), now);
      entries.put(key, e);
    }
    e.lastUsed = now;
    Iterator<Map.Entry<K, Entry<V>>> eldest = entries.entrySet().iterator();
    while (entries.size() > maxSize) {
      Map.Entry<K, Entry<V>> victim = eldest.next();
      eldest.remove();
      dropped.add(new Dropped<>(victim.getKey(), victim.getValue().value, "size"));
    }
    return new Use<>(e.value, dropped);
  }

  /** Drops what has been idle for the idle time or longer. */
  synchronized List<Dropped<K, V>> expire() {
    return expire(ticker.read());
  }

  private List<Dropped<K, V>> expire(long now) {
    List<Dropped<K, V>> dropped = new ArrayList<>();
    Iterator<Map.Entry<K, Entry<V>>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, Entry<V>> oldest = it.next();
      if (now - oldest.getValue().lastUsed < idleNanos) {
        break; // access order: every later entry was used more recently
      }
      it.remove();
      dropped.add(new Dropped<>(oldest.getKey(), oldest.getValue().value, "idle"));
    }
    return dropped;
  }

  /** Whether {@code key} has a value; looking does not count as a use. */
  synchronized boolean contains(K key) {
    return entries.containsKey(key);
  }

  synchronized int size() {
    return entries.size();
  }

  /** Drops everything. */
  synchronized List<Dropped<K, V>> clear() {
    List<Dropped<K, V>> dropped = new ArrayList<>();
    entries.forEach((k, e) -> dropped.add(new Dropped<>(k, e.value, "closed")));
    entries.clear();
    return dropped;
  }
}
