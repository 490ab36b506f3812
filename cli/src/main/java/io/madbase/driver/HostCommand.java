package io.madbase.driver;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A host tool madbase runs to change the network (nft, iptables, tc, nsenter): run with its input,
 * bounded in time, and turned into an environment error (exit 3) that names what failed and how to
 * get the tool when it fails.
 */
public final class HostCommand {
  private static final List<String> BIN_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private HostCommand() {}

  /** Where {@code name} is installed, looked up in the system's binary folders. */
  public static Optional<Path> binary(String name) {
    return BIN_DIRS.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
  }

  /**
   * Runs {@code command} with {@code stdin} and answers its output (stdout and stderr together).
   *
   * @param what the command as the error names it ("nft -f -", "tc in pg1's namespace")
   * @param fix how to get the tool when it cannot be run at all
   * @throws MadbaseException (environment) when it cannot be run, fails, or outlasts {@code
   *     timeout}
   */
  public static String run(
      List<String> command, String stdin, Duration timeout, String what, String fix) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw MadbaseException.environment(
            what + " did not finish in " + timeout.toSeconds() + " s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw MadbaseException.environment(what + " failed: " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw MadbaseException.environment(
          "cannot run " + what + " (" + e.getMessage() + "): " + fix);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MadbaseException.environment("interrupted running " + what);
    }
  }
}
