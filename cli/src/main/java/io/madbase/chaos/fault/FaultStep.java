package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;

/**
 * One kind of method step that changes the stack (Pumba's way: each fault a small piece of its
 * own). It picks its target from the running stack, injects through the driver's {@link
 * io.madbase.driver.FaultInjector}, and says what it did.
 */
public interface FaultStep {
  Injection inject(FaultContext ctx, ScenarioSpec.Step step);

  /** The step for {@code action}, which must be a fault. */
  static FaultStep of(Action action) {
    return switch (action) {
      case CRASH_NODE -> new CrashNode();
      case STOP_NODE -> new StopNode();
      case SWITCHOVER -> new Switchover();
      case FREEZE_NODE -> new FreezeNode();
      case KILL_POSTGRES -> new KillPostgres();
      case CRASH_REDIS_MASTER -> new CrashRedisMaster();
      case SIGNAL_GATEWAY, SIGNAL_WORKER -> new SignalMember(action);
      case ADD_WORKER -> new AddWorker();
      case CRASH_ETCD_MEMBER -> new CrashEtcdMember();
      case RESTART_FAULTED -> new RestartFaulted();
      case PARTITION -> new Partition();
      case THROTTLE -> new Throttle();
      case HEAL -> new Heal();
      case SLEEP, AWAIT_RECOVERY ->
          throw new IllegalArgumentException(action.id() + " is no fault");
    };
  }
}
