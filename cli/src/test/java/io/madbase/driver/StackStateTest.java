package io.madbase.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state file that does not read back says so in the user's terms (exit 3: the machine's). */
class StackStateTest {
  @TempDir Path dir;

  @Test
  void aDamagedStateFileSaysWhatToDo() throws Exception {
    Files.writeString(dir.resolve(StackState.FILE), "{\"driver\": \"local\",");
    MadbaseException e = catchThrowableOfType(MadbaseException.class, () -> StackState.load(dir));
    assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(e.getMessage())
        .isEqualTo(
            dir.resolve(StackState.FILE)
                + " is damaged (not the JSON madbase writes (line 1)); run madbase down, or"
                + " remove the state directory");
  }

  @Test
  void aHugeStateFileIsRefusedByItsSize() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(StackState.FILE).toFile(), "rw")) {
      f.setLength(100L * 1024 * 1024);
    }
    MadbaseException e = catchThrowableOfType(MadbaseException.class, () -> StackState.load(dir));
    assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(e.getMessage()).contains("is 104,857,600 bytes").contains("run madbase down");
  }
}
