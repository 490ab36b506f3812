package io.madbase.driver.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import io.madbase.stack.Endpoint;
import io.madbase.stack.HostPorts;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where madbase reaches the members of a stack it did not start: the host ports their containers
 * publish, read back from the engine (a port published on every interface is reached on 127.0.0.1).
 * A member whose container is not there when asked keeps what was read before, or the port
 * madbase's own rendering would publish.
 */
final class PublishedPorts implements Topology.Reach {
  private static final Set<String> LOCAL = Set.of("", "0.0.0.0", "127.0.0.1");

  private final StackSpec spec;
  private final ContainerMembers members;
  private final Map<String, Map<Integer, Integer>> known = new ConcurrentHashMap<>();

  PublishedPorts(StackSpec spec, ContainerMembers members) {
    this.spec = spec;
    this.members = members;
    refresh();
  }

  private void refresh() {
    members
        .all()
        .forEach(
            (member, c) -> {
              Map<Integer, Integer> ports = ports(c);
              if (!ports.isEmpty()) {
                known.put(member, ports);
              }
            });
  }

  static Map<Integer, Integer> ports(Container c) {
    Map<Integer, Integer> out = new HashMap<>();
    for (ContainerPort p : c.getPorts()) {
      if (p.getPublicPort() != null
          && p.getPrivatePort() != null
          && LOCAL.contains(p.getIp() == null ? "" : p.getIp())) {
        out.put(p.getPrivatePort(), p.getPublicPort());
      }
    }
    return out;
  }

  @Override
  public Endpoint endpoint(Member m, Port p) {
    int inside = p.number(spec);
    Integer host = known.getOrDefault(m.name(), Map.of()).get(inside);
    if (host == null) {
      refresh();
      host = known.getOrDefault(m.name(), Map.of()).get(inside);
    }
    return new Endpoint("127.0.0.1", host != null ? host : HostPorts.of(spec, m, p));
  }

  /** The compose topology of {@code spec}, reached through these ports. */
  Topology topology() {
    Topology t = Topology.compose(spec);
    return new Topology(t.members(), false, t.ports(), this);
  }
}
