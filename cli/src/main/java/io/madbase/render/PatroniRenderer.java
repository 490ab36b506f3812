package io.madbase.render;

import io.madbase.common.SeedSchema;
import io.madbase.stack.DebianRelease;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One Patroni YAML per PostgreSQL node; they hold the database passwords (mode 0600). */
final class PatroniRenderer {
  private PatroniRenderer() {}

  /** Where a container's entry command copies the bootstrap script (readable by postgres only). */
  static final String BOOTSTRAP_SQL_IN_CONTAINER = "/run/postgresql/bootstrap.sql";

  static List<RenderedFile> render(RenderContext ctx) {
    Template t = Template.load("patroni/patroni.yml");
    List<RenderedFile> out = new ArrayList<>();
    ctx.topology()
        .of(Role.POSTGRES)
        .forEach(
            m ->
                out.add(
                    new RenderedFile(
                        "patroni/" + m.name() + ".yml", t.render(values(ctx, m)), true)));
    if (!ctx.local()) {
      out.add(new RenderedFile("patroni/bootstrap.sql", bootstrapSql(ctx), true));
    }
    return List.copyOf(out);
  }

  /**
   * What a new cluster needs before the gateway can serve: the application role, its database and
   * the seed schema, run once by Patroni on the node that bootstraps the cluster. Containers only:
   * there the stack must come up healthy with plain {@code docker-compose up} too; the local driver
   * does the same from madbase (DatabaseBootstrap), and both are idempotent.
   */
  static String bootstrapSql(RenderContext ctx) {
    StringBuilder sql = new StringBuilder();
    sql.append(
        "-- Run once by Patroni (post_bootstrap) when the cluster is created. Holds a password.\n");
    sql.append("CREATE ROLE ")
        .append(RenderContext.APP_USER)
        .append(" LOGIN PASSWORD '")
        .append(ctx.secrets().app().reveal())
        .append("';\n");
    sql.append("CREATE DATABASE ")
        .append(RenderContext.DATABASE)
        .append(" OWNER ")
        .append(RenderContext.APP_USER)
        .append(";\n");
    sql.append("\\connect ").append(RenderContext.DATABASE).append("\n");
    sql.append("SET ROLE ").append(RenderContext.APP_USER).append(";\n");
    for (String s : SeedSchema.statements()) {
      sql.append(s.strip()).append(";\n");
    }
    return sql.toString();
  }

  private static Map<String, String> values(RenderContext ctx, Member m) {
    var spec = ctx.spec();
    var pg = spec.postgres();
    var timing = spec.timing().patroni();
    var secrets = ctx.secrets();
    var layout = ctx.layout();
    Map<String, String> v = new HashMap<>();
    v.put("stack", spec.name());
    v.put("profile", ctx.profile());
    v.put("name", m.name());
    v.put("listen_host", ctx.listenHost(m));
    v.put("host", m.host());
    v.put("rest_port", pg.restPort().toString());
    v.put("pg_port", pg.port().toString());
    v.put("etcd_hosts", ctx.etcdClientHosts());
    v.put("ttl", Integer.toString(timing.ttl()));
    v.put("loop_wait", Integer.toString(timing.loopWait()));
    v.put("retry_timeout", Integer.toString(timing.retryTimeout()));
    v.put("maximum_lag_on_failover", Long.toString(pg.maximumLagOnFailover()));
    v.put("synchronous_mode", Boolean.toString(pg.synchronousMode().synchronous()));
    v.put(
        "synchronous_mode_strict",
        Boolean.toString(pg.synchronousMode() == io.madbase.stack.SynchronousMode.STRICT));
    v.put("failsafe_mode", pg.failsafeMode().toString());
    // psql gets the superuser's connection URL as its last argument, and Patroni's pgpass for it
    v.put(
        "post_bootstrap",
        ctx.local()
            ? ""
            : "  post_bootstrap: psql -v ON_ERROR_STOP=1 -f " + BOOTSTRAP_SQL_IN_CONTAINER + "\n");
    v.put("max_connections", pg.maxConnections().toString());
    v.put("shared_buffers", pg.sharedBuffers());
    v.put("superuser_password", secrets.superuser().reveal());
    v.put("replication_password", secrets.replication().reveal());
    v.put("rewind_password", secrets.rewind().reveal());
    v.put("rest_user", io.madbase.stack.Secrets.PATRONI_API_USER);
    v.put("rest_password", secrets.patroniApi().reveal());
    if (ctx.local()) {
      v.put("data_dir", layout.pgDataDir(m.name()).toString());
      v.put("bin_dir", LocalLayout.POSTGRES_BIN);
      v.put("pgpass", layout.pgpass(m.name()).toString());
      v.put("socket_dir", layout.pgSocketDir(m.name()).toString());
      // connections between loopback addresses arrive from 127.0.0.1 (docs/running-natively.md)
      v.put("client_network", "127.0.0.0/8");
    } else {
      v.put("data_dir", "/var/lib/postgresql/data/pgdata");
      // the image's PostgreSQL: 15 on bookworm, 17 on trixie (Images, postgres.Dockerfile)
      v.put("bin_dir", DebianRelease.of(spec.docker()).postgresBin());
      v.put("pgpass", "/tmp/pgpass");
      v.put("socket_dir", "/run/postgresql");
      v.put("client_network", "0.0.0.0/0");
    }
    return v;
  }
}
