package io.madbase.chaos;

import io.madbase.observe.RedisInspector;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.Topology;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Polls every Sentinel: where it says the master is, and the master's flags (s_down, o_down). */
public final class SentinelWatcher extends Watcher {
  private final Topology topology;
  private final String masterName;
  private final RedisInspector inspector;
  private final Function<String, String> nameOf;
  private final Map<String, String> lastMaster = new HashMap<>();
  private final Map<String, String> lastFlags = new HashMap<>();

  public SentinelWatcher(
      Topology topology,
      String masterName,
      RedisInspector inspector,
      Function<String, String> nameOfHost,
      EventLog log) {
    super("sentinel", log);
    this.topology = topology;
    this.masterName = masterName;
    this.inspector = inspector;
    this.nameOf = nameOfHost;
  }

  @Override
  protected void poll() {
    for (Member s : topology.of(Role.SENTINEL)) {
      var view = inspector.sentinel(topology.endpoint(s, Port.SENTINEL), masterName);
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
