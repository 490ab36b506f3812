package io.madbase.render;

import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.stream.Collectors;

/** What every renderer needs: the spec, its secrets, and the layout being rendered for. */
public record RenderContext(
    StackSpec spec, Secrets secrets, Topology topology, RenderTarget target, LocalLayout layout) {

  /** The database the gateway and the probes use, and its owner. */
  public static final String DATABASE = "madbase";

  public static final String APP_USER = "madbase_app";

  public static RenderContext of(
      StackSpec spec, Secrets secrets, RenderTarget target, LocalLayout layout) {
    Topology topology =
        target == RenderTarget.LOCAL ? Topology.local(spec) : Topology.compose(spec);
    return new RenderContext(spec, secrets, topology, target, layout);
  }

  public boolean local() {
    return target == RenderTarget.LOCAL;
  }

  /** The address a member binds: its own loopback address, or every interface in a container. */
  public String listenHost(Member m) {
    return local() ? m.host() : "0.0.0.0";
  }

  /** {@code host:port} of every etcd member, comma-separated. */
  public String etcdClientHosts() {
    return topology.of(Role.ETCD).stream()
        .map(m -> m.host() + ":" + spec.etcd().clientPort())
        .collect(Collectors.joining(","));
  }

  public String profile() {
    return spec.failover().profile();
  }
}
