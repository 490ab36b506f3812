package io.madbase.render;

import io.madbase.MadbaseException;
import io.madbase.stack.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Renders every config a stack needs, for one target, and writes them out. */
public final class StackRenderer {
  private StackRenderer() {}

  /** Every file for {@code ctx.target()}, in a stable order. */
  public static List<RenderedFile> render(RenderContext ctx) {
    List<RenderedFile> files = new ArrayList<>();
    if (ctx.target() == RenderTarget.COMPOSE) {
      files.addAll(ComposeRenderer.render(ctx));
    }
    files.addAll(EtcdRenderer.render(ctx));
    files.addAll(PatroniRenderer.render(ctx));
    files.addAll(HaproxyRenderer.render(ctx));
    files.addAll(RedisRenderer.render(ctx));
    files.addAll(GatewayRenderer.render(ctx));
    return List.copyOf(files);
  }

  /**
   * Writes {@code files} under {@code outDir}. Files holding passwords are created with mode 0600
   * from the start; every file is written whole (temporary file, then rename), so an interrupted
   * render never leaves half a config behind.
   */
  public static void write(List<RenderedFile> files, Path outDir) {
    for (RenderedFile f : files) {
      Path target = outDir.resolve(f.path());
      try {
        Files.createDirectories(target.getParent());
        Secrets.writeOwnerOnly(target, f.content(), true);
        if (!f.secret()) {
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
      } catch (IOException e) {
        throw MadbaseException.environment("cannot write " + target + ": " + e.getMessage());
      }
    }
  }
}
