package io.madbase.chaos;

import io.madbase.driver.NodeInfo;
import io.madbase.driver.StackLifecycle;
import io.madbase.observe.Http;
import io.madbase.stack.Endpoint;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls the members' processes through the driver and their endpoints: a process exiting, a
 * gateway's readiness turning false, its listener refusing connections, a postmaster replaced
 * (Patroni restarted postgres), an etcd member going silent or the etcd leader changing.
 */
public final class MemberWatcher extends Watcher {
  private final StackLifecycle driver;
  private final Map<String, String> last = new HashMap<>();

  public MemberWatcher(StackLifecycle driver, EventLog log) {
    super("members", log);
    this.driver = driver;
  }

  @Override
  protected void poll() {
    List<NodeInfo> nodes = driver.nodes();
    String etcdLeader = null;
    boolean etcdAnswered = false;
    for (NodeInfo n : nodes) {
      if (n.role() == Role.GATEWAY || n.role() == Role.WORKER) {
        change(
            n.name() + ".alive",
            n.alive() ? "alive" : "exited",
            v -> {
              if (v.equals("exited")) emit("process", Event.PROCESS_EXITED, n.name(), "");
            });
      }
      if (n.role() == Role.GATEWAY) {
        Endpoint gw = driver.topology().endpoint(driver.topology().member(n.name()), Port.GATEWAY);
        String ready =
            Http.get(gw.http() + "/ready", Duration.ofMillis(500))
                .map(r -> r.ok() ? "ready" : "not ready")
                .orElse("no answer");
        change(n.name() + ".ready", ready, v -> emit("process", Event.READY, n.name(), v));
        change(
            n.name() + ".listener",
            listening(gw) ? "open" : "refused",
            v -> {
              if (v.equals("refused")) emit("process", Event.LISTENER_CLOSED, n.name(), "");
            });
      }
      if (n.role() == Role.POSTGRES) {
        String pm = n.childPids().isEmpty() ? "none" : Long.toString(n.childPids().get(0));
        change(n.name() + ".postmaster", pm, v -> emit("process", Event.POSTMASTER, n.name(), v));
      }
      if (n.role() == Role.ETCD) {
        var st =
            driver
                .observer()
                .etcdHealth(driver.topology().member(n.name()), Duration.ofMillis(300))
                .status();
        change(
            n.name() + ".etcd",
            st.isPresent() ? "up" : "down",
            v -> emit("etcd", Event.ETCD_MEMBER, n.name(), v));
        etcdAnswered |= st.isPresent();
        if (st.isPresent() && st.get().leader()) {
          etcdLeader = n.name();
        }
      }
    }
    if (etcdLeader != null) {
      change("etcd.leader", etcdLeader, v -> emit("etcd", Event.ETCD_LEADER, v, ""));
      change("etcd.quorum", "leader", v -> {});
    } else if (etcdAnswered) {
      change("etcd.quorum", "no leader", v -> emit("etcd", Event.ETCD_NO_LEADER, "", ""));
      // the next leader, even the same member again, is a change
      last.computeIfPresent("etcd.leader", (k, v) -> "none");
    }
  }

  private void change(String key, String value, java.util.function.Consumer<String> onChange) {
    String prev = last.put(key, value);
    if (prev != null && !prev.equals(value)) {
      onChange.accept(value);
    }
  }

  /** Whether something accepts connections there (refused means the listener is closed). */
  private static boolean listening(Endpoint at) {
    try (Socket s = new Socket()) {
      s.connect(at.socketAddress(), 300);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return true; // a timeout is not a refusal: the listener may be busy
    }
  }
}
