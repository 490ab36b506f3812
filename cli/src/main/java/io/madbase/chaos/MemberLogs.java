package io.madbase.chaos;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events from a member's own log, for what the watchers could not see as it happened: Patroni logs
 * each decision with its time ("2026-12-06 07:11:23,456 INFO: Demoting self (offline)"), in the
 * machine's time zone. A line becomes an event at that time on the run's clock.
 */
final class MemberLogs {
  private static final Pattern PATRONI =
      Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}),(\\d{3}) \\w+: (.*)$");

  private MemberLogs() {}

  /** Patroni's decisions worth a timeline entry: its demotion, and why. */
  static final List<String> DEMOTION = List.of("Demoting self", "demoting self");

  /** The first line of {@code lines} that contains one of {@code marks}, as an event. */
  static Optional<Event> first(
      RunClock clock, String member, List<String> lines, List<String> marks) {
    for (String line : lines) {
      Matcher m = PATRONI.matcher(line);
      if (!m.matches() || marks.stream().noneMatch(line::contains)) {
        continue;
      }
      LocalDateTime at =
          LocalDateTime.parse(m.group(1) + "T" + m.group(2))
              .plusNanos(Long.parseLong(m.group(3)) * 1_000_000L);
      long nanos =
          Duration.between(clock.wallOrigin(), at.atZone(ZoneId.systemDefault()).toInstant())
              .toNanos();
      return Optional.of(new Event(nanos, "log", Event.MEMBER_LOG, member, m.group(4)));
    }
    return Optional.empty();
  }
}
