package io.madbase.cli;

import io.madbase.Json;
import io.madbase.common.Durations;
import io.madbase.stack.FailoverTiming;
import io.madbase.stack.StackSpec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code madbase validate}: checks madbase.yaml and shows the settings in force. */
@Command(
    name = "validate",
    description =
        "Check madbase.yaml (every problem, with file, line and field) and show the settings in force.",
    mixinStandardHelpOptions = true)
public final class Validate implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StackOptions stack;
  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    var loaded = stack.load();
    StackSpec s = loaded.spec();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("source", loaded.source());
      doc.put("valid", true);
      doc.put("spec", s);
      doc.put("timing", s.timing());
      doc.put("data_safety", io.madbase.stack.DataSafety.of(s));
      doc.put("warnings", io.madbase.chaos.Expectations.holdShortfall(s).stream().toList());
      out.println(Json.write(doc));
      return 0;
    }
    FailoverTiming t = s.timing();
    out.println(loaded.source() + ": valid");
    out.printf(
        "stack %s: %d etcd, %d postgres (Patroni), HAProxy %d/%d, %d redis, %d sentinels (quorum %d), %d gateway, %d workers%n",
        s.name(),
        s.etcd().members(),
        s.postgres().nodes(),
        s.haproxy().primaryPort(),
        s.haproxy().replicasPort(),
        s.redis().nodes(),
        s.sentinel().count(),
        s.sentinel().quorum(),
        s.gateway().instances(),
        s.workers().count());
    out.printf(
        "failover profile %s: Patroni ttl %d / loop_wait %d / retry_timeout %d; HAProxy inter %s fastinter %s fall %d rise %d; Sentinel down-after %s%n",
        s.failover().profile(),
        t.patroni().ttl(),
        t.patroni().loopWait(),
        t.patroni().retryTimeout(),
        Durations.format(t.haproxy().inter()),
        Durations.format(t.haproxy().fastinter()),
        t.haproxy().fall(),
        t.haproxy().rise(),
        Durations.format(t.sentinel().downAfter()));
    out.println("data safety: " + io.madbase.stack.DataSafety.of(s).describe());
    io.madbase.chaos.Expectations.holdShortfall(s)
        .ifPresent(w -> spec.commandLine().getErr().println("madbase: warning: " + w));
    return 0;
  }
}
