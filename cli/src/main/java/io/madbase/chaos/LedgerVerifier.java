package io.madbase.chaos;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.madbase.render.RenderContext;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * After recovery, looks for every acknowledged write where it must be: rows on the (new) primary,
 * keys on the (new) Redis master. A missing one is a lost acknowledged write. Writes of unknown
 * outcome are looked up too, and reported as applied or not (never counted as lost).
 */
final class LedgerVerifier {
  static final int LISTED = 50;
  private final StackSpec spec;
  private final Topology topology;
  private final Secrets secrets;

  LedgerVerifier(StackSpec spec, Topology topology, Secrets secrets) {
    this.spec = spec;
    this.topology = topology;
    this.secrets = secrets;
  }

  /**
   * @param faultNanos the first fault on the run clock, or a negative number when there was none:
   *     each lost write is reported with when it was acknowledged relative to it
   */
  List<RunResult.LedgerCheck> verify(Map<String, Probe> probes, OpLog ops, long faultNanos) {
    List<RunResult.LedgerCheck> out = new ArrayList<>();
    for (Probe p : probes.values()) {
      String probeId =
          p instanceof HaproxyWriter h
              ? h.probeId()
              : p instanceof GatewayProbe g && p.name().equals("gateway_writer")
                  ? g.probeId()
                  : null;
      if (probeId != null) {
        out.add(postgres(p.name(), probeId, ops.of(p.name()), faultNanos));
      }
      if (p instanceof RedisWriter r) {
        out.add(redis(r, ops.of(p.name()), faultNanos));
      }
    }
    return out;
  }

  private RunResult.LedgerCheck postgres(
      String probe, String probeId, List<Op> ops, long faultNanos) {
    Set<Long> present = new HashSet<>();
    String url =
        "jdbc:postgresql://"
            + topology.haproxy(io.madbase.stack.Port.HAPROXY_PRIMARY)
            + "/"
            + RenderContext.DATABASE;
    Properties props =
        io.madbase.observe.PgConnect.properties(
            RenderContext.APP_USER, secrets.app().reveal(), "madbase-ledger", 5, 30);
    SQLException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try (Connection c = DriverManager.getConnection(url, props);
          PreparedStatement ps =
              c.prepareStatement("SELECT seq FROM probe_writes WHERE probe = ?")) {
        ps.setString(1, probeId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            present.add(rs.getLong(1));
          }
        }
        return check(
            probe,
            "PostgreSQL primary (probe_writes, probe = '" + probeId + "')",
            ops,
            faultNanos,
            present);
      } catch (SQLException e) {
        last = e;
        ScenarioRunner.sleep(java.time.Duration.ofSeconds(2));
      }
    }
    throw new io.madbase.MadbaseException(
        io.madbase.ExitCode.ENVIRONMENT,
        "cannot read the write ledger through HAProxy: " + (last == null ? "" : last.getMessage()));
  }

  private RunResult.LedgerCheck redis(RedisWriter w, List<Op> ops, long faultNanos) {
    Set<Long> present = new HashSet<>();
    List<Long> all = new ArrayList<>(seqs(ops, Op.Outcome.OK));
    all.addAll(seqs(ops, Op.Outcome.UNKNOWN));
    try (StatefulRedisConnection<String, String> c = w.connectToMaster()) {
      for (int i = 0; i < all.size(); i += 500) {
        List<Long> chunk = all.subList(i, Math.min(all.size(), i + 500));
        List<KeyValue<String, String>> got =
            c.sync().mget(chunk.stream().map(w::key).toArray(String[]::new));
        for (int j = 0; j < chunk.size(); j++) {
          if (got.get(j).hasValue()) {
            present.add(chunk.get(j));
          }
        }
      }
    }
    return check("redis_writer", "Redis master (via Sentinel)", ops, faultNanos, present);
  }

  static RunResult.LedgerCheck check(
      String probe, String where, List<Op> ops, long faultNanos, Set<Long> present) {
    Set<Long> acked = seqs(ops, Op.Outcome.OK);
    Set<Long> unknown = seqs(ops, Op.Outcome.UNKNOWN);
    TreeSet<Long> lost = new TreeSet<>(acked);
    lost.removeAll(present);
    long unknownPresent = unknown.stream().filter(present::contains).count();
    List<Long> listed = lost.stream().limit(LISTED).toList();
    Map<Long, Long> ackedAt = new HashMap<>();
    ops.stream().filter(Op::ok).forEach(o -> ackedAt.put(o.seq(), o.endNanos()));
    List<Double> at =
        faultNanos < 0
            ? List.of()
            : listed.stream().map(seq -> RunClock.seconds(ackedAt.get(seq) - faultNanos)).toList();
    return new RunResult.LedgerCheck(
        probe,
        where,
        acked.size(),
        (int) acked.stream().filter(present::contains).count(),
        lost.size(),
        listed,
        at,
        unknown.size(),
        (int) unknownPresent);
  }

  private static Set<Long> seqs(List<Op> ops, Op.Outcome outcome) {
    Set<Long> s = new HashSet<>();
    ops.stream().filter(o -> o.outcome() == outcome).forEach(o -> s.add(o.seq()));
    return s;
  }
}
