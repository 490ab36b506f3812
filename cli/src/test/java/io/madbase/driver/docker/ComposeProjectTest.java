package io.madbase.driver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.render.ComposeRenderer;
import io.madbase.render.Images;
import io.madbase.render.RenderContext;
import io.madbase.render.RenderTarget;
import io.madbase.render.RenderedFile;
import io.madbase.render.StackRenderer;
import io.madbase.stack.HostPorts;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import io.madbase.stack.StackSpecLoader;
import io.madbase.stack.Topology;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver reads back exactly what the renderer wrote: one service per member, as rendered. */
class ComposeProjectTest {
  @TempDir Path state;

  private ComposeProject rendered(StackSpec spec) {
    String yml =
        StackRenderer.render(
                RenderContext.of(spec, Secrets.loadOrCreate(state), RenderTarget.COMPOSE, null))
            .stream()
            .filter(f -> f.path().equals(ComposeProject.FILE))
            .map(RenderedFile::content)
            .findFirst()
            .orElseThrow();
    return ComposeProject.parse(Path.of("/srv/project"), yml);
  }

  @Test
  void everyMemberIsAServiceOnItsOwnImageWithItsPortsPublishedOnLoopback() {
    StackSpec spec = StackSpecLoader.parse("m.yaml", "docker:\n  host_port_base: 20000\n");
    ComposeProject p = rendered(spec);
    Topology topo = Topology.compose(spec);
    assertThat(p.services().keySet())
        .containsExactlyInAnyOrderElementsOf(topo.members().stream().map(Member::name).toList());
    for (Member m : topo.members()) {
      ComposeProject.Service s = p.service(m.name());
      assertThat(s.image()).isEqualTo(Images.of(m.role()).tag(spec));
      assertThat(s.build()).isEqualTo("./" + Images.of(m.role()).dir());
      assertThat(s.init()).as("%s runs under an init", m.name()).isTrue();
      for (Port port : topo.ports(m)) {
        assertThat(s.ports())
            .contains("127.0.0.1:" + HostPorts.of(spec, m, port) + ":" + port.number(spec));
      }
      assertThat(s.healthcheck()).as("%s has a healthcheck", m.name()).isNotNull();
    }
    ComposeProject.Service pg1 = p.service("pg1");
    assertThat(pg1.volumes()).contains("pg1-data:/var/lib/postgresql/data");
    assertThat(pg1.dependsOn()).containsExactly("e1", "e2", "e3");
    assertThat(pg1.stopGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(pg1.healthcheck().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.service("e1").envFiles()).containsExactly("etcd/e1.env");
    assertThat(p.volumes()).contains("e1-data", "pg3-data");
  }

  @Test
  void aWorkerAddedAtRunTimeGetsTheServiceTheFileWouldHaveGivenIt() {
    StackSpec spec = StackSpec.defaults();
    ComposeProject p = rendered(spec);
    ComposeProject.Service w2 = p.service("w2");
    ComposeProject.Service w2Again =
        ComposeProject.parse(
                p.dir(),
                "services:\n"
                    + ComposeRenderer.workerService(spec, new Member(Role.WORKER, "w2", 2, "w2")))
            .service("w2");
    assertThat(w2Again).isEqualTo(w2);
  }
}
