package io.madbase.cli;

import io.madbase.MadbaseException;
import io.madbase.render.Images;
import io.madbase.render.LocalLayout;
import io.madbase.render.OwnJar;
import io.madbase.render.RenderContext;
import io.madbase.render.RenderTarget;
import io.madbase.render.RenderedFile;
import io.madbase.render.StackRenderer;
import io.madbase.render.StagedOutput;
import io.madbase.stack.Secret;
import io.madbase.stack.Secrets;
import io.madbase.stack.StackSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code madbase render}: every config the stack needs, for the local layout and for Compose. */
@Command(
    name = "render",
    description =
        "Write every config of the stack: Compose project, haproxy.cfg, Patroni, etcd, Redis, Sentinel, gateway.",
    mixinStandardHelpOptions = true)
public final class Render implements Callable<Integer> {
  /** What --target accepts. */
  public enum Target {
    local,
    compose,
    all
  }

  @Spec CommandSpec spec;
  @Mixin StackOptions stack;

  @Option(
      names = "--target",
      defaultValue = "all",
      description =
          "local (native processes on loopback addresses), compose (a Compose project) or all: both, in <out>/local and <out>/compose (default: ${DEFAULT-VALUE}).")
  Target target;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory (default: <state-dir>/rendered).")
  Path out;

  @Option(names = "--dry-run", description = "List what would be written; write nothing.")
  boolean dryRun;

  @Option(
      names = "--print",
      paramLabel = "FILE",
      description =
          "Print one rendered file (e.g. haproxy/haproxy.cfg) to stdout, passwords masked; write nothing.")
  String print;

  @Override
  public Integer call() throws IOException {
    StackSpec s = stack.load().spec();
    Path stateDir = stack.stateDir();
    if (out != null && out.toString().isEmpty()) {
      throw MadbaseException.invalidInput(
          "--out: the directory name is empty (''); leave it out to use <state-dir>/rendered");
    }
    Path outDir = (out != null ? out : stateDir.resolve("rendered")).toAbsolutePath().normalize();
    // secrets are generated once per stack, and saved only when a render has written everything
    Path secretsFile = stateDir.resolve(Secrets.FILE);
    boolean haveSecrets = Files.exists(secretsFile);
    Secrets secrets = haveSecrets ? Secrets.load(secretsFile) : Secrets.generate();
    LocalLayout layout = LocalLayout.of(stateDir);

    Map<Path, List<RenderedFile>> plan = new LinkedHashMap<>();
    for (RenderTarget t : targets()) {
      Path dir = target == Target.all ? outDir.resolve(t.id()) : outDir;
      plan.put(dir, StackRenderer.render(RenderContext.of(s, secrets, t, layout)));
    }
    PrintWriter o = spec.commandLine().getOut();

    if (print != null) {
      RenderedFile f =
          plan.values().stream()
              .flatMap(List::stream)
              .filter(r -> r.path().equals(print))
              .findFirst()
              .orElseThrow(
                  () ->
                      MadbaseException.invalidInput(
                          "--print: no rendered file '"
                              + io.madbase.stack.Problems.shown(print)
                              + "'; there are: "
                              + String.join(", ", names(plan))));
      o.print(mask(f.content(), secrets));
      o.flush();
      return 0;
    }
    // a dry run that passes means the render would: where it writes is checked as it would be
    OutputPaths.checkDirectory("--out", outDir);
    if (!haveSecrets) {
      OutputPaths.checkDirectory("--state-dir", stateDir);
    }
    if (dryRun) {
      plan.forEach(
          (dir, files) ->
              files.forEach(
                  f ->
                      o.printf(
                          "%s %6d bytes  %s%n",
                          f.secret() ? "0600" : "0644",
                          f.content().length(),
                          dir.resolve(f.path()))));
      o.println("(dry run: nothing written)");
      return 0;
    }
    // all or nothing: everything is written beside the output first, then moved into place
    int count = plan.values().stream().mapToInt(List::size).sum();
    List<String> notes = new ArrayList<>();
    try (StagedOutput staged = StagedOutput.beside(outDir)) {
      for (var e : plan.entrySet()) {
        staged.write(e.getValue(), outDir.relativize(e.getKey()).toString());
      }
      if (target != Target.local) {
        String jar =
            (target == Target.all ? "compose/" : "") + Images.GATEWAY.dir() + "/madbase.jar";
        notes.add(copyOwnJar(staged.staged(jar), outDir.resolve(jar)));
      }
      staged.checkPlaces();
      if (!haveSecrets) {
        Secrets.saveNew(stateDir, secrets);
      }
      staged.commit();
    }
    o.printf("wrote %d files to %s%n", count, outDir);
    notes.forEach(o::println);
    return 0;
  }

  private List<RenderTarget> targets() {
    return switch (target) {
      case local -> List.of(RenderTarget.LOCAL);
      case compose -> List.of(RenderTarget.COMPOSE);
      case all -> List.of(RenderTarget.LOCAL, RenderTarget.COMPOSE);
    };
  }

  private static List<String> names(Map<Path, List<RenderedFile>> plan) {
    return plan.values().stream().flatMap(List::stream).map(RenderedFile::path).distinct().toList();
  }

  /** Every password replaced by {@code <masked>}: printouts never carry secrets. */
  static String mask(String text, Secrets s) {
    return io.madbase.common.Masking.values(text, s.all().stream().map(Secret::reveal).toList());
  }

  /**
   * The gateway image is built from madbase's own jar: copy it beside its Dockerfile ({@code
   * staged}, which becomes {@code target}).
   */
  private static String copyOwnJar(Path staged, Path target) {
    Path self = OwnJar.path().orElse(null);
    if (self == null) {
      return "note: not running from a jar: copy cli/target/madbase.jar to "
          + target
          + " before `docker-compose build`";
    }
    try {
      Files.createDirectories(staged.getParent());
      Files.copy(self, staged, StandardCopyOption.REPLACE_EXISTING);
      return "copied " + self.getFileName() + " to " + target + " for the gateway image";
    } catch (IOException | SecurityException e) {
      return "note: could not copy madbase's jar to "
          + target
          + " ("
          + e.getMessage()
          + "): copy cli/target/madbase.jar there before `docker-compose build`";
    }
  }
}
