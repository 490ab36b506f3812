package io.madbase.render;

import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One {@code ETCD_*} environment file per member: etcd reads them as its flags. */
final class EtcdRenderer {
  private EtcdRenderer() {}

  static List<RenderedFile> render(RenderContext ctx) {
    Template t = Template.load("etcd/etcd.env");
    var etcd = ctx.spec().etcd();
    String cluster =
        ctx.topology().of(Role.ETCD).stream()
            .map(m -> m.name() + "=http://" + m.host() + ":" + etcd.peerPort())
            .collect(Collectors.joining(","));
    return ctx.topology().of(Role.ETCD).stream()
        .map(
            (Member m) ->
                new RenderedFile(
                    "etcd/" + m.name() + ".env",
                    t.render(
                        Map.of(
                            "name", m.name(),
                            "stack", ctx.spec().name(),
                            "data_dir",
                                ctx.local()
                                    ? ctx.layout().dataDir(m.name()).toString()
                                    : "/var/lib/etcd",
                            "listen_host", ctx.listenHost(m),
                            "host", m.host(),
                            "client_port", etcd.clientPort().toString(),
                            "peer_port", etcd.peerPort().toString(),
                            "initial_cluster", cluster)),
                    false))
        .toList();
  }
}
