package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.ExitCode;
import io.madbase.driver.Preflight;
import io.madbase.testing.CliRun;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `madbase doctor` on this machine: the real binaries, real ports. */
class DoctorTest {
  @TempDir Path dir;

  Path spec() throws Exception {
    Path f = dir.resolve("madbase.yaml");
    Files.writeString(f, "local:\n  subnet: 127.0.4\n");
    return f;
  }

  @Test
  void aMachineWithTheStacksPackagesCanRunIt() throws Exception {
    CliRun r =
        CliRun.run(
            "doctor", "-f", spec().toString(), "--state-dir", dir.resolve("state").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("ok   binary  patroni")
        .contains("ok   binary  haproxy")
        .contains("ok   binary  etcd");
    assertThat(r.out()).contains("addresses:ports free").contains("this machine can run the stack");
  }

  @Test
  void patroniBeforeThreeZeroThreeIsAWarningNotAFailure() throws Exception {
    String installed =
        new String(
                new ProcessBuilder("/usr/bin/patroni", "--version")
                    .redirectErrorStream(true)
                    .start()
                    .getInputStream()
                    .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8)
            .strip();
    CliRun r =
        CliRun.run(
            "doctor", "-f", spec().toString(), "--state-dir", dir.resolve("state").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    if (Preflight.patroniCaveat(installed).isPresent()) {
      assertThat(r.out())
          .contains("warn patroni Patroni ")
          .contains("fixed in 3.0.3")
          .contains("freeze-primary");
    } else {
      assertThat(r.out()).doesNotContain("warn patroni");
    }
  }

  @Test
  void aPatroniThatIsNotThereIsAFailureNamingTheSetting() throws Exception {
    Path f = dir.resolve("other.yaml");
    Files.writeString(f, "local:\n  subnet: 127.0.4\n  patroni: /opt/nowhere/bin/patroni\n");
    CliRun r = CliRun.run("doctor", "-f", f.toString(), "--state-dir", dir.resolve("s").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.out())
        .contains("FAIL binary  patroni missing (/opt/nowhere/bin/patroni)")
        .contains("fix: check local.patroni in madbase.yaml")
        .doesNotContain("apt-get install -y patroni");
  }

  @Test
  void thePatroniCaveatFollowsTheVersion() {
    assertThat(Preflight.patroniCaveat("patroni 3.0.2")).isPresent();
    assertThat(Preflight.patroniCaveat("patroni 2.1.6")).isPresent();
    assertThat(Preflight.patroniCaveat("patroni 3.0.3")).isEmpty();
    assertThat(Preflight.patroniCaveat("patroni 3.1.0")).isEmpty();
    assertThat(Preflight.patroniCaveat("patroni 4.0.7")).isEmpty();
    assertThat(Preflight.patroniCaveat("no version here")).isEmpty();
  }

  @Test
  void aTakenPortIsNamedWithItsAddressAndTheMemberThatNeedsIt() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.4.31", 26379));
      CliRun r =
          CliRun.run(
              "doctor", "-f", spec().toString(), "--state-dir", dir.resolve("state").toString());
      assertThat(r.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
      assertThat(r.out())
          .contains("FAIL port    127.0.4.31:26379 is taken")
          .contains("needed by s1")
          .contains("cannot run the stack yet");
      assertThat(r.out()).contains("fix: ");
    }
  }
}
