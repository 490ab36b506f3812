package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What madbase reads of a file a user names, and what it says when the file is not one. */
class InputFileTest {
  @TempDir Path dir;

  private static MadbaseException refused(Path p) {
    MadbaseException e = catchThrowableOfType(MadbaseException.class, () -> InputFile.read(p));
    assertThat(e).as("read %s", p).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    return e;
  }

  @Test
  void readsUtf8Text() throws Exception {
    Path f = Files.writeString(dir.resolve("a.yaml"), "name: café\n");
    assertThat(InputFile.read(f)).isEqualTo("name: café\n");
  }

  @Test
  void dropsAUtf8ByteOrderMark() throws Exception {
    Path f = dir.resolve("bom.yaml");
    Files.write(f, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'a', ':', ' ', '1'});
    assertThat(InputFile.read(f)).isEqualTo("a: 1");
  }

  @Test
  void aDeviceIsRefusedWithoutReadingIt() {
    assertThat(refused(Path.of("/dev/zero")).getMessage())
        .isEqualTo(
            "/dev/zero: is not a regular file (a device, pipe or socket); madbase reads its"
                + " files whole: name a regular file");
    assertThat(refused(Path.of("/dev/null")).getMessage()).contains("is not a regular file");
  }

  @Test
  void aPipeIsRefused() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThat(refused(fifo).getMessage()).contains("is not a regular file");
  }

  @Test
  void aDirectoryIsNamedAsOne() {
    assertThat(refused(dir).getMessage()).isEqualTo(dir + ": is a directory, not a file");
  }

  @Test
  void anEmptyNameIsNamedAsOne() {
    assertThat(refused(Path.of("")).getMessage()).isEqualTo("the file name is empty ('')");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThat(refused(dir.resolve("nope.yaml")).getMessage()).endsWith("nope.yaml: no such file");
  }

  @Test
  void aLinkToNothingSaysWhereItPoints() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("madbase.yaml"), dir.resolve("gone.yaml"));
    assertThat(InputFile.exists(link)).isTrue();
    assertThat(refused(link).getMessage())
        .isEqualTo(
            link + ": a symbolic link to " + dir.resolve("gone.yaml") + ", which does not exist");
  }

  @Test
  void aFileOverTheLimitIsRefusedByItsSizeAlone() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(10L * 1024 * 1024); // sparse: nothing to read, only a size
    }
    assertThat(refused(big).getMessage())
        .isEqualTo(
            big
                + ": is 10,485,760 bytes, and madbase reads files of up to 256 KiB (its own are a"
                + " few KB): is it the right file?");
  }

  @Test
  void aFileAtTheLimitIsRead() throws Exception {
    Path f = Files.writeString(dir.resolve("full.yaml"), "#".repeat(InputFile.MAX_BYTES));
    assertThat(InputFile.read(f)).hasSize(InputFile.MAX_BYTES);
    Files.writeString(f, "#".repeat(InputFile.MAX_BYTES + 1));
    assertThat(refused(f).getMessage()).contains("262,145 bytes");
  }

  @Test
  void latin1TextIsRefusedWithLineAndByteOffset() throws Exception {
    Path f = dir.resolve("latin1.yaml");
    Files.write(f, "name: shop\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    SpecException e = catchThrowableOfType(SpecException.class, () -> InputFile.read(f));
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(e.getMessage())
        .isEqualTo(
            f
                + ":2:17: not UTF-8 text: byte 0xE9 at byte offset 27 cannot start or continue a"
                + " character here; save the file as UTF-8")
        .doesNotContain("Input length");
  }

  @Test
  void aTruncatedCharacterAtTheEndIsRefused() throws Exception {
    Path f = dir.resolve("cut.yaml");
    Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xc3});
    assertThat(catchThrowableOfType(SpecException.class, () -> InputFile.read(f)).getMessage())
        .contains(":1:4: not UTF-8 text: byte 0xC3 at byte offset 3");
  }

  @Test
  void utf16TextIsNamedAsSuch() throws Exception {
    Path f = dir.resolve("notepad.yaml");
    Files.write(f, "\ufeffname: x\n".getBytes(StandardCharsets.UTF_16LE));
    assertThat(catchThrowableOfType(SpecException.class, () -> InputFile.read(f)).getMessage())
        .isEqualTo(
            f + ":1:1: UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8");
  }
}
