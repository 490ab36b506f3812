package io.madbase.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against real processes ({@code sleep}), started and ended by this test. */
class ProcessesTest {
  @Test
  void signalsReachEveryProcessGivenAndAnEndedOneIsNotRunning() throws Exception {
    Process a = new ProcessBuilder("sleep", "60").start();
    Process b = new ProcessBuilder("sleep", "60").start();
    try {
      assertThat(Processes.running(a.pid())).isTrue();
      Processes.signal(Signal.STOP, List.of(a.pid(), b.pid()));
      assertThat(Processes.awaitExit(a.pid(), Duration.ofMillis(200)))
          .as("a stopped process has not exited")
          .isFalse();
      Processes.signal(Signal.CONT, List.of(a.pid(), b.pid()));
      Processes.signal(Signal.TERM, List.of(a.pid(), b.pid()));
      // reaped by us (the parent), so gone rather than a zombie
      assertThat(a.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(b.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(a.exitValue()).as("ended by SIGTERM").isEqualTo(143);
      assertThat(Processes.running(a.pid())).isFalse();
      assertThat(Processes.awaitExit(b.pid(), Duration.ofSeconds(1))).isTrue();
      assertThat(Processes.signal(Signal.TERM, List.of(a.pid())))
          .as("nothing left to signal")
          .isFalse();
    } finally {
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }
}
