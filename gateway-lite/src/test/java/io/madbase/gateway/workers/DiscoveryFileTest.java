package io.madbase.gateway.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The discovery file is read every interval: what is not a small list of URLs is refused. */
class DiscoveryFileTest {
  @TempDir Path dir;

  @Test
  void readsTheLines() throws Exception {
    Path f = Files.writeString(dir.resolve("workers"), "http://127.0.0.1:9000\n");
    assertThat(WorkerDiscovery.readList(f)).containsExactly("http://127.0.0.1:9000");
  }

  @Test
  void aDeviceIsRefusedWithoutReadingIt() {
    IOException e =
        catchThrowableOfType(
            IOException.class, () -> WorkerDiscovery.readList(Path.of("/dev/zero")));
    assertThat(e).hasMessage("/dev/zero is not a regular file (a device, pipe or socket)");
  }

  @Test
  void aDirectoryIsRefused() {
    assertThat(catchThrowableOfType(IOException.class, () -> WorkerDiscovery.readList(dir)))
        .hasMessage(dir + " is a directory, not a file");
  }

  @Test
  void aHugeFileIsRefusedByItsSize() throws Exception {
    Path big = dir.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(5L * 1024 * 1024);
    }
    assertThat(catchThrowableOfType(IOException.class, () -> WorkerDiscovery.readList(big)))
        .hasMessageContaining("is 5242880 bytes");
  }

  @Test
  void bytesThatAreNotUtf8AreNamedSo() throws Exception {
    Path f = Files.write(dir.resolve("latin1"), new byte[] {'h', (byte) 0xe9, '\n'});
    assertThat(catchThrowableOfType(IOException.class, () -> WorkerDiscovery.readList(f)))
        .hasMessage(f + " is not UTF-8 text");
  }
}
