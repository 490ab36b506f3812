package io.madbase.render;

import static io.madbase.render.RenderTestSupport.render;
import static io.madbase.render.RenderTestSupport.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Dockerfiles per Debian release (docker.debian), and the tags that name their images. */
class ImagesTest {
  private static final StackSpec TRIXIE =
      StackSpecLoader.parse(
          "m.yaml", "docker:\n  debian: trixie\nfailover:\n  patroni:\n    ttl: 20\n");

  @Test
  void bookwormImagesKeepTheTagsTheyHadBeforeTheSettingExisted() {
    // Measured from main before docker.debian (42675f0): a changed tag would make every user's
    // engine build its images again. The gateway's tag also hashes madbase's jar, so it is not
    // here.
    StackSpec d = StackSpec.defaults();
    assertThat(Images.ETCD.tag(d)).isEqualTo("madbase/etcd:82b86a25b8dd");
    assertThat(Images.POSTGRES.tag(d)).isEqualTo("madbase/postgres:00a97023c5ff");
    assertThat(Images.HAPROXY.tag(d)).isEqualTo("madbase/haproxy:596014612620");
    assertThat(Images.REDIS.tag(d)).isEqualTo("madbase/redis:5a9f464b376d");
    assertThat(
            Images.POSTGRES.tag(StackSpecLoader.parse("m.yaml", "docker:\n  debian: bookworm\n")))
        .isEqualTo("madbase/postgres:00a97023c5ff");
  }

  @Test
  void bookwormDockerfilesNameBookwormsPackages() {
    StackSpec d = StackSpec.defaults();
    assertThat(Images.POSTGRES.dockerfile(d))
        .contains("FROM debian:bookworm")
        .contains("deb http://deb.debian.org/debian bookworm main")
        .contains("patroni postgresql-15 ")
        .contains("ENV PATH=/usr/lib/postgresql/15/bin:$PATH");
    assertThat(Images.GATEWAY.dockerfile(d)).contains("openjdk-17-jre-headless");
  }

  @Test
  void trixieDockerfilesNameTrixiesSourcesAndPackages() {
    for (Images image : Images.values()) {
      String df = image.dockerfile(TRIXIE);
      assertThat(df)
          .as(image.name())
          .contains("FROM debian:trixie")
          .contains("LABEL io.madbase.base-image=\"debian:trixie\"")
          .contains(
              "deb http://deb.debian.org/debian trixie main\\n"
                  + "deb http://deb.debian.org/debian trixie-updates main\\n"
                  + "deb http://deb.debian.org/debian-security trixie-security main\\n")
          .doesNotContain("bookworm");
    }
    assertThat(Images.POSTGRES.dockerfile(TRIXIE))
        .contains("patroni python3-etcd postgresql-17 ")
        .contains("ENV PATH=/usr/lib/postgresql/17/bin:$PATH")
        .doesNotContain("postgresql-15")
        .doesNotContain("the versions the local driver runs");
    // trixie has no openjdk-17; 21 runs madbase's Java 17 jar
    assertThat(Images.GATEWAY.dockerfile(TRIXIE))
        .contains("openjdk-21-jre-headless")
        .doesNotContain("openjdk-17");
  }

  @Test
  void trixieImagesAreOtherImagesThanBookworms() {
    StackSpec d = StackSpec.defaults();
    for (Images image : Images.values()) {
      assertThat(image.tag(TRIXIE)).startsWith("madbase/").isNotEqualTo(image.tag(d));
    }
  }

  @Test
  void patroniOnTrixieRunsPostgres17sProgramsInTheContainer() {
    Map<String, RenderedFile> t =
        render(
            "docker:\n  debian: trixie\nfailover:\n  patroni:\n    ttl: 20\n",
            RenderTarget.COMPOSE,
            Secrets.generate());
    assertThat(yaml(t.get("patroni/pg1.yml")).path("postgresql").path("bin_dir").asText())
        .isEqualTo("/usr/lib/postgresql/17/bin");
    assertThat(yaml(t.get("patroni/pg1.yml")).path("bootstrap").path("dcs").path("ttl").asInt())
        .isEqualTo(20);
    Map<String, RenderedFile> b = render("", RenderTarget.COMPOSE, Secrets.generate());
    assertThat(yaml(b.get("patroni/pg1.yml")).path("postgresql").path("bin_dir").asText())
        .isEqualTo("/usr/lib/postgresql/15/bin");
  }
}
