package io.madbase.chaos;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Watches Patroni's leader key in etcd ({@code /service/<scope>/leader}) through jetcd: the moment
 * it disappears (lease expired after a crash, or released by a clean stop) and the moment a new
 * member writes it. Push, not poll: etcd sends each change as it commits it.
 */
public final class EtcdLeaderWatch implements AutoCloseable {
  private final Client client;
  private final Watch.Watcher watcher;
  private final ByteSequence key;

  public EtcdLeaderWatch(List<String> endpoints, String scope, EventLog log) {
    this.key = ByteSequence.from("/service/" + scope + "/leader", StandardCharsets.UTF_8);
    this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
    long revision = currentRevision() + 1;
    this.watcher =
        client
            .getWatchClient()
            .watch(
                key,
                WatchOption.builder().withRevision(revision).withPrevKV(true).build(),
                Watch.listener(
                    response -> {
                      for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.DELETE) {
                          log.add("etcd", Event.LEADER_KEY_DELETED, "", "");
                        } else if (e.getEventType() == WatchEvent.EventType.PUT) {
                          String member =
                              e.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
                          // Patroni refreshes the key every loop: only a change of holder (or a new
                          // key) is news
                          boolean created = e.getKeyValue().getVersion() == 1;
                          if (created
                              || e.getPrevKV() == null
                              || !member.equals(
                                  e.getPrevKV().getValue().toString(StandardCharsets.UTF_8))) {
                            // "changed from pg2": written over another member's key, with no
                            // expiry or release in between (RunAnalysis reports it)
                            log.add(
                                "etcd",
                                Event.LEADER_KEY_SET,
                                member,
                                created || e.getPrevKV() == null
                                    ? "created"
                                    : Event.OVERWRITTEN_FROM
                                        + e.getPrevKV()
                                            .getValue()
                                            .toString(StandardCharsets.UTF_8));
                          }
                        }
                      }
                    },
                    error ->
                        log.add(
                            "etcd", Event.WATCH_ERROR, "", String.valueOf(error.getMessage()))));
  }

  /** The member holding the leader key now, if any. */
  public Optional<String> holder() {
    try {
      GetResponse r = client.getKVClient().get(key).get(3, TimeUnit.SECONDS);
      return r.getKvs().stream()
          .findFirst()
          .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private long currentRevision() {
    try {
      return client.getKVClient().get(key).get(5, TimeUnit.SECONDS).getHeader().getRevision();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      return 0;
    }
  }

  @Override
  public void close() {
    watcher.close();
    client.close();
  }
}
