package io.madbase.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskingTest {
  @Test
  void credentialsInUrlsAreMaskedAndTheRestIsKept() {
    assertThat(Masking.mask("primary postgresql://app:s3cret@127.0.0.1:5433/madbase up"))
        .isEqualTo("primary postgresql://app:<masked>@127.0.0.1:5433/madbase up");
    assertThat(Masking.mask("redis://pw@127.0.0.1:6379/0 and redis-sentinel://:pw2@h:26379"))
        .isEqualTo("redis://<masked>@127.0.0.1:6379/0 and redis-sentinel://:<masked>@h:26379");
    assertThat(Masking.mask("jdbc:postgresql://h/db?user=app&password=x1&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=app&password=<masked>&ssl=true");
    assertThat(Masking.mask(null)).isNull();
  }

  @Test
  void knownValuesAreMaskedWhereverTheyStandButAnEmptyOneMasksNothing() {
    assertThat(
            Masking.values(
                "superuser: abc123\nreplication: xyz\nagain abc123", List.of("abc123", "xyz", "")))
        .isEqualTo("superuser: <masked>\nreplication: <masked>\nagain <masked>");
  }

  @Test
  void aTraceCarriesNoPasswordFromAnyCause() {
    Exception e =
        new IllegalStateException(
            "pool failed",
            new RuntimeException("cannot reach postgresql://app:topsecret@10.0.0.1/db"));
    String trace = Masking.maskedTrace(e);
    assertThat(trace).contains("Caused by:").contains("app:<masked>@").doesNotContain("topsecret");
  }
}
