package io.madbase.driver;

import java.time.Duration;

/** Where long operations report what they are doing; the CLI shows it on stderr. */
public interface Progress {
  /** A new step begins ("starting etcd (3 members)"). */
  void step(String what);

  /** Still waiting for {@code what}; {@code lastSeen} is what the last look showed. */
  void waiting(String what, Duration elapsed, String lastSeen);

  /** {@code what} is done after {@code took}. */
  void done(String what, Duration took);

  /** A remark worth a line of its own. */
  void note(String message);

  /** Reports nothing. */
  Progress NONE =
      new Progress() {
        @Override
        public void step(String what) {}

        @Override
        public void waiting(String what, Duration elapsed, String lastSeen) {}

        @Override
        public void done(String what, Duration took) {}

        @Override
        public void note(String message) {}
      };
}
