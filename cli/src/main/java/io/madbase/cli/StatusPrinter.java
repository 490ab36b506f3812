package io.madbase.cli;

import io.madbase.driver.StackStatus;
import io.madbase.observe.Check;
import java.io.PrintWriter;

/** The text form of {@code madbase status}. */
final class StatusPrinter {
  private StatusPrinter() {}

  static void text(StackStatus s, PrintWriter out) {
    out.printf("stack %s on the %s driver (%s)%n", s.stack(), s.driver(), s.stateDir());
    out.printf(
        "%-8s %-9s %-9s %-30s %-12s %-7s %s%n",
        "MEMBER", "KIND", "ROLE", "STATE", "ADDRESS", "PID", "LAG");
    for (StackStatus.MemberStatus m : s.members()) {
      out.printf(
          "%-8s %-9s %-9s %-30s %-12s %-7s %s%n",
          m.name(),
          m.kind(),
          m.role(),
          m.state(),
          m.address(),
          m.pid() == 0 ? "-" : Long.toString(m.pid()),
          m.lagBytes() == null ? "" : m.lagBytes() + " B");
    }
    if (!s.haproxy().isEmpty()) {
      StringBuilder sb = new StringBuilder("haproxy:");
      for (String proxy : new String[] {"primary", "replicas"}) {
        sb.append(' ').append(proxy).append('[');
        sb.append(
            String.join(
                " ",
                s.haproxy().stream()
                    .filter(x -> x.proxy().equals(proxy))
                    .map(x -> x.server() + "=" + x.status())
                    .toList()));
        sb.append(']');
      }
      out.println(sb);
    }
    if (s.dataSafety() != null) {
      var d = s.dataSafety();
      out.printf(
          "data safety: %s (%s); %s (%s)%n",
          d.value().describePostgres(),
          d.postgresSource(),
          d.value().describeRedis(),
          d.redisSource());
    }
    for (Check c : s.checks()) {
      out.printf("%s %-9s %s%n", c.ok() ? "ok  " : "FAIL", c.name(), c.seen());
    }
    out.println(s.healthy() ? "healthy" : "NOT healthy");
  }
}
