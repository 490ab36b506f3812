package io.madbase.chaos;

import io.madbase.observe.RedisInspector;
import io.madbase.stack.Member;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Polls every Sentinel: where it says the master is, and the master's flags (s_down, o_down). */
public final class SentinelWatcher extends Watcher {
  private final List<Member> sentinels;
  private final int port;
  private final String masterName;
  private final RedisInspector inspector;
  private final Function<String, String> nameOf;
  private final Map<String, String> lastMaster = new HashMap<>();
  private final Map<String, String> lastFlags = new HashMap<>();

  public SentinelWatcher(
      List<Member> sentinels,
      int port,
      String masterName,
      RedisInspector inspector,
      Function<String, String> nameOfHost,
      EventLog log) {
    super("sentinel", log);
    this.sentinels = sentinels;
    this.port = port;
    this.masterName = masterName;
    this.inspector = inspector;
    this.nameOf = nameOfHost;
  }

  @Override
  protected void poll() {
    for (Member s : sentinels) {
      var view = inspector.sentinel(s.host(), port, masterName);
      String master = view.map(v -> nameOf.apply(v.masterHost())).orElse("unreachable");
      String flags = view.map(RedisInspector.SentinelView::flags).orElse("unreachable");
      if (!master.equals(lastMaster.get(s.name()))) {
        lastMaster.put(s.name(), master);
        emit("sentinel", Event.SENTINEL_MASTER, s.name(), master);
      }
      if (!flags.equals(lastFlags.get(s.name()))) {
        lastFlags.put(s.name(), flags);
        emit("sentinel", Event.SENTINEL_FLAGS, s.name(), flags);
      }
    }
  }
}
