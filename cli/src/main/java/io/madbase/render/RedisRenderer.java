package io.madbase.render;

import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** redis.conf per Redis node (the first starts as master) and sentinel.conf per Sentinel. */
final class RedisRenderer {
  private RedisRenderer() {}

  static List<RenderedFile> render(RenderContext ctx) {
    var spec = ctx.spec();
    List<Member> redis = ctx.topology().of(Role.REDIS);
    Member master = redis.get(0);
    String password = ctx.secrets().redis().reveal();
    List<RenderedFile> out = new ArrayList<>();

    Template redisConf = Template.load("redis/redis.conf");
    for (Member m : redis) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("stack", spec.name());
      v.put("bind_host", ctx.listenHost(m));
      v.put("port", spec.redis().port().toString());
      v.put("dir", ctx.local() ? ctx.layout().dataDir(m.name()).toString() : "/data");
      v.put("password", password);
      v.put("host", m.host());
      v.put(
          "replicaof", m == master ? "" : "replicaof " + master.host() + " " + spec.redis().port());
      // on every node: a replica that Sentinel promotes must refuse writes as the master did
      v.put("min_replicas_to_write", spec.redis().minReplicasToWrite().toString());
      v.put("min_replicas_max_lag", Long.toString(spec.redis().minReplicasMaxLag().toSeconds()));
      out.add(new RenderedFile("redis/" + m.name() + ".conf", redisConf.render(v), true));
    }

    Template sentinelConf = Template.load("redis/sentinel.conf");
    var timing = spec.timing().sentinel();
    for (Member m : ctx.topology().of(Role.SENTINEL)) {
      Map<String, String> v = new HashMap<>();
      v.put("name", m.name());
      v.put("stack", spec.name());
      v.put("profile", ctx.profile());
      v.put("bind_host", ctx.listenHost(m));
      v.put("port", spec.sentinel().port().toString());
      v.put("dir", ctx.local() ? ctx.layout().dataDir(m.name()).toString() : "/data");
      // in containers members are names: sentinel must resolve them and announce them as names
      v.put(
          "hostnames",
          ctx.local() ? "" : "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n");
      v.put("host", m.host());
      v.put("master_name", spec.redis().masterName());
      v.put("master_host", master.host());
      v.put("redis_port", spec.redis().port().toString());
      v.put("quorum", spec.sentinel().quorum().toString());
      v.put("password", password);
      v.put("down_after_ms", Long.toString(timing.downAfter().toMillis()));
      v.put("failover_timeout_ms", Long.toString(timing.failoverTimeout().toMillis()));
      out.add(new RenderedFile("sentinel/" + m.name() + ".conf", sentinelConf.render(v), true));
    }
    return out;
  }
}
