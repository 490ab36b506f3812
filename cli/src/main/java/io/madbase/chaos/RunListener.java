package io.madbase.chaos;

/** Live view of a run, for the terminal. */
public interface RunListener {
  /** A step of the run begins: steady state, probes, fault, recovery, rollback, verification. */
  void step(String what);

  /** An observation worth showing now; {@code sinceFault} is negative before the fault. */
  void event(Event e, double sinceFault);

  /** A phase has been recognised. */
  void phase(RunResult.PhaseResult p);

  /** Once a second: a line about the probes. */
  void tick(String probesLine);

  RunListener NONE =
      new RunListener() {
        @Override
        public void step(String what) {}

        @Override
        public void event(Event e, double sinceFault) {}

        @Override
        public void phase(RunResult.PhaseResult p) {}

        @Override
        public void tick(String probesLine) {}
      };
}
