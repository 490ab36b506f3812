package io.madbase.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitTest {
  @Test
  void aCheckMetOnTheThirdLookEndsTheWaitAndTheListenerHearsEachLook() {
    AtomicInteger looks = new AtomicInteger();
    List<String> heard = new ArrayList<>();
    Wait.until(
        "three looks",
        Duration.ofSeconds(5),
        Duration.ofMillis(1),
        new Wait.Listener() {
          @Override
          public void waiting(String what, Duration elapsed, String seen) {
            heard.add("waiting: " + seen);
          }

          @Override
          public void met(String what, Duration elapsed) {
            heard.add("met: " + what);
          }
        },
        () -> looks.incrementAndGet() < 3 ? "look " + looks.get() : null);
    assertThat(looks).hasValue(3);
    assertThat(heard).containsExactly("waiting: look 1", "waiting: look 2", "met: three looks");
  }

  @Test
  void aCheckNeverMetTimesOutSayingWhatTheLastLookSawAndAThrowIsWhatItSaw() {
    AtomicInteger looks = new AtomicInteger();
    Wait.TimedOut e =
        catchThrowableOfType(
            Wait.TimedOut.class,
            () ->
                Wait.until(
                    "the impossible",
                    Duration.ofMillis(100),
                    Duration.ofMillis(10),
                    () -> {
                      if (looks.incrementAndGet() % 2 == 0) {
                        throw new IllegalStateException("refused " + looks.get());
                      }
                      return "seen " + looks.get();
                    }));
    assertThat(e).isNotNull();
    assertThat(looks.get()).isGreaterThan(1);
    assertThat(e.getMessage()).startsWith("timed out after 100ms waiting for the impossible");
    assertThat(e.lastSeen()).matches("seen \\d+|java.lang.IllegalStateException: refused \\d+");
    assertThat(e.lastSeen()).endsWith(Integer.toString(looks.get()));
  }
}
