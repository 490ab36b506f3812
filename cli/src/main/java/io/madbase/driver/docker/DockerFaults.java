package io.madbase.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import io.madbase.MadbaseException;
import io.madbase.common.Signal;
import io.madbase.driver.FaultInjector;
import io.madbase.driver.Progress;
import io.madbase.stack.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Faults on containers, through the Engine API. A crash is SIGKILL of the whole container: its init
 * is PID 1, and killing it takes every process of the member with it (postmaster and all), as a
 * node crash does. A signal goes to the container's main process through its init; a freeze is the
 * cgroup freezer (pause); a postmaster-only kill runs {@code kill} inside the container. A
 * partition is iptables rules in the cut-off member's network namespace ({@link DockerPartitions}),
 * a bandwidth cap a tc qdisc there ({@link DockerThrottles}).
 */
final class DockerFaults implements FaultInjector {
  private final DockerDriver driver;
  private final DockerPartitions partitions;
  private final DockerThrottles throttles;

  DockerFaults(DockerDriver driver) {
    this.driver = driver;
    this.partitions = new DockerPartitions(driver);
    this.throttles = new DockerThrottles(partitions);
  }

  private DockerClient api() {
    return driver.api();
  }

  private String running(String member) {
    driver.member(member);
    String id = driver.containerId(member);
    if (!Boolean.TRUE.equals(api().inspectContainerCmd(id).exec().getState().getRunning())) {
      throw MadbaseException.environment(member + " is not running");
    }
    return id;
  }

  @Override
  public String crash(String member) {
    String id = running(member);
    try {
      api().killContainerCmd(id).exec();
    } catch (DockerException e) {
      throw MadbaseException.environment("cannot kill " + member + ": " + e.getMessage().strip());
    }
    awaitExit(id, Duration.ofSeconds(10));
    return "docker kill: SIGKILL of the container, every process of it at once";
  }

  private void awaitExit(String id, Duration limit) {
    try {
      api()
          .waitContainerCmd(id)
          .exec(new WaitContainerResultCallback())
          .awaitStatusCode(limit.toSeconds(), TimeUnit.SECONDS);
    } catch (DockerException e) {
      // reported by the caller's observation: the member still answering
    }
  }

  @Override
  public String signal(String member, Signal signal) {
    String id = running(member);
    api().killContainerCmd(id).withSignal(signal.name()).exec();
    return "docker kill --signal " + signal + ": to the container's main process";
  }

  @Override
  public String signalPostgres(String member, Signal signal) {
    if (driver.member(member).role() != Role.POSTGRES) {
      throw MadbaseException.invalidInput(member + " is not a postgres node");
    }
    String id = running(member);
    Exec r =
        exec(
            id,
            "sh",
            "-c",
            "pid=$(head -1 /var/lib/postgresql/data/pgdata/postmaster.pid) && kill -"
                + signal
                + " \"$pid\"");
    if (r.exitCode() != 0) {
      throw MadbaseException.environment(
          "postgres on " + member + " is not running (" + r.output().strip() + ")");
    }
    return "SIG" + signal + " to the postmaster only (docker exec kill)";
  }

  @Override
  public Frozen freeze(String member) {
    String id = running(member);
    api().pauseContainerCmd(id).exec();
    return new Frozen("docker pause: the cgroup freezer stops every process of it", processes(id));
  }

  /** The container's processes as host PIDs (docker top lists them, paused or not). */
  private List<Long> processes(String id) {
    List<Long> out = new ArrayList<>();
    try {
      var top = api().topContainerCmd(id).exec();
      int pidColumn = List.of(top.getTitles()).indexOf("PID");
      if (pidColumn >= 0) {
        for (String[] row : top.getProcesses()) {
          out.add(Long.parseLong(row[pidColumn].strip()));
        }
      }
    } catch (RuntimeException e) {
      // the driver cannot tell: an empty list says so
    }
    return List.copyOf(out);
  }

  @Override
  public String thaw(String member) {
    driver.member(member);
    try {
      api().unpauseContainerCmd(driver.containerId(member)).exec();
    } catch (DockerException e) {
      throw MadbaseException.environment("cannot resume " + member + ": " + e.getMessage().strip());
    }
    return "docker unpause";
  }

  @Override
  public String stop(String member, Duration grace) {
    driver.stop(running(member), grace);
    return "docker stop: SIGTERM, SIGKILL after " + grace.toSeconds() + " s";
  }

  @Override
  public boolean restartsCrashedMembers() {
    return driver.restartsCrashedMembers();
  }

  @Override
  public String restart(String member, Progress progress) {
    driver.start(member, progress);
    return "docker start: the same container again";
  }

  /** What a command run in a container printed, and its exit code. */
  record Exec(long exitCode, String output) {}

  Exec exec(String id, String... cmd) {
    var created =
        api().execCreateCmd(id).withCmd(cmd).withAttachStdout(true).withAttachStderr(true).exec();
    StringBuilder out = new StringBuilder();
    try {
      api()
          .execStartCmd(created.getId())
          .exec(
              new com.github.dockerjava.api.async.ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                  out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MadbaseException.environment("interrupted while running " + String.join(" ", cmd));
    }
    Long rc = api().inspectExecCmd(created.getId()).exec().getExitCodeLong();
    return new Exec(rc == null ? -1 : rc, out.toString());
  }

  @Override
  public String partition(Cut cut) {
    return partitions.apply(cut);
  }

  @Override
  public String throttle(Throttle throttle) {
    return throttles.apply(throttle);
  }

  @Override
  public String heal() {
    return DockerThrottles.joined(List.of(partitions.heal(), throttles.heal()));
  }

  @Override
  public List<String> leftoverPartitions() {
    List<String> out = new java.util.ArrayList<>(partitions.leftovers());
    out.addAll(throttles.leftovers());
    return out;
  }
}
