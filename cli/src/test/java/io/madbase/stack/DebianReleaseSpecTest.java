package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docker.debian: which Debian release the docker driver's images are built on. */
class DebianReleaseSpecTest {
  private static final String TRIXIE_OK =
      "docker:\n  debian: trixie\nfailover:\n  patroni:\n    ttl: 20\n";

  @Test
  void bookwormIsTheDefaultAndTheBaseImageFollowsTheRelease() {
    StackSpec d = StackSpec.defaults();
    assertThat(d.docker().debian()).isEqualTo("bookworm");
    assertThat(d.docker().baseImage()).isEqualTo("debian:bookworm");
    assertThat(DebianRelease.of(d.docker())).isEqualTo(DebianRelease.BOOKWORM);

    StackSpec t = StackSpecLoader.parse("m.yaml", TRIXIE_OK);
    assertThat(t.docker().baseImage()).isEqualTo("debian:trixie");
    assertThat(DebianRelease.of(t.docker())).isEqualTo(DebianRelease.TRIXIE);
    assertThat(DebianRelease.TRIXIE.postgresBin()).isEqualTo("/usr/lib/postgresql/17/bin");
  }

  @Test
  void anExplicitBaseImageOfTheSameReleaseOrOfAnotherMakeIsKept() {
    for (String image : List.of("debian:trixie-slim", "debian:13", "registry.local/deb13:1")) {
      StackSpec s =
          StackSpecLoader.parse(
              "m.yaml",
              "docker:\n  debian: trixie\n  base_image: "
                  + image
                  + "\nfailover:\n  patroni:\n    ttl: 20\n");
      assertThat(s.docker().baseImage()).isEqualTo(image);
    }
  }

  @Test
  void anUnknownReleaseIsRefusedNamingTheKnownOnes() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () -> StackSpecLoader.parse("m.yaml", "docker:\n  debian: buster\n"));
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).field()).isEqualTo("docker.debian");
    assertThat(e.errors().get(0).line()).isEqualTo(2);
    assertThat(e.errors().get(0).message())
        .contains("bookworm (Debian 12) or trixie (Debian 13)")
        .contains("'buster'");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "debian:bookworm, trixie, Debian 12 (bookworm)",
    "debian:12-slim, trixie, Debian 12 (bookworm)",
    "debian:trixie, bookworm, Debian 13 (trixie)",
    "docker.io/library/debian:13.1, bookworm, Debian 13 (trixie)"
  })
  void aBaseImageOfTheOtherReleaseIsAContradiction(String image, String release, String named) {
    String yaml =
        "docker:\n  base_image: "
            + image
            + "\n  debian: "
            + release
            + "\nfailover:\n  patroni:\n    ttl: 20\n";
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> StackSpecLoader.parse("m.yaml", yaml));
    assertThat(e).as("no error for %s", yaml).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.errors()).hasSize(1);
    SpecError err = e.errors().get(0);
    assertThat(err.field()).isEqualTo("docker.base_image");
    assertThat(err.line()).isEqualTo(2);
    assertThat(err.message())
        .contains(image + " is " + named)
        .contains("docker.debian is " + release)
        .contains("leave docker.base_image out");
  }

  @Test
  void onTrixieATtlUnderPatroniFoursMinimumIsRefusedNamingWhatToSet() {
    // the fast profile's ttl 10, nothing else set: the problem is placed on docker.debian
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () -> StackSpecLoader.parse("m.yaml", "docker:\n  debian: trixie\n"));
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).field()).isEqualTo("docker.debian");
    assertThat(e.errors().get(0).message())
        .contains("Patroni 4")
        .contains("ttl 20, not 10")
        .contains("failover.patroni.ttl: 20")
        .contains("gateway.hold_deadline: 30s");

    // a ttl the file sets itself is the one named
    SpecException e2 =
        catchThrowableOfType(
            SpecException.class,
            () ->
                StackSpecLoader.parse(
                    "m.yaml", "docker:\n  debian: trixie\nfailover:\n  patroni:\n    ttl: 15\n"));
    assertThat(e2.errors()).hasSize(1);
    assertThat(e2.errors().get(0).field()).isEqualTo("failover.patroni.ttl");
    assertThat(e2.errors().get(0).line()).isEqualTo(5);
    assertThat(e2.errors().get(0).message()).contains("not 15");
  }

  @Test
  void onTrixieTtl20OrAProfileAboveItPassesAndBookwormKeepsTheFastProfile() {
    assertThat(StackSpecLoader.parse("m.yaml", TRIXIE_OK).timing().patroni().ttl()).isEqualTo(20);
    assertThat(
            StackSpecLoader.parse(
                    "m.yaml", "docker:\n  debian: trixie\nfailover:\n  profile: patroni-defaults\n")
                .timing()
                .patroni()
                .ttl())
        .isEqualTo(30);
    assertThat(
            StackSpecLoader.parse("m.yaml", "docker:\n  debian: bookworm\n")
                .timing()
                .patroni()
                .ttl())
        .isEqualTo(10);
  }
}
