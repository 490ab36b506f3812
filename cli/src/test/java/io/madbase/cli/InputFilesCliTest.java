package io.madbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.madbase.ExitCode;
import io.madbase.testing.CliRun;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file a command reads, given as a careless or hostile user would: the command refuses it
 * with exit 2, naming the file and what is wrong with it, and prints no stack trace.
 */
class InputFilesCliTest {
  @TempDir Path dir;

  private CliRun validate(String file) {
    return CliRun.run("validate", "-f", file, "--state-dir", dir.resolve("s").toString());
  }

  private CliRun dryRun(String scenario) {
    return CliRun.run(
        "chaos", "run", scenario, "--dry-run", "--state-dir", dir.resolve("s").toString());
  }

  private static void refused(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void validateRefusesADeviceInsteadOfReadingItForever() {
    refused(validate("/dev/zero"), "/dev/zero: is not a regular file");
    refused(validate("/dev/null"), "/dev/null: is not a regular file");
  }

  @Test
  void validateNamesAnEmptyFileName() {
    refused(validate(""), "-f/--file: the file name is empty ('')");
  }

  @Test
  void validateNamesADirectory() {
    refused(validate(dir.toString()), dir + ": is a directory, not a file");
  }

  @Test
  void validateRefusesAnEmptyFileNamingIt() throws Exception {
    Path empty = Files.createFile(dir.resolve("madbase.yaml"));
    refused(validate(empty.toString()), empty + ": the file is empty");
    Files.writeString(empty, "\n   \n");
    refused(validate(empty.toString()), empty + ": the file is empty");
  }

  @Test
  void aFileOfCommentsOnlyStillMeansTheDefaults() throws Exception {
    Path f = Files.writeString(dir.resolve("madbase.yaml"), "# everything as shipped\n");
    CliRun r = validate(f.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void validateRefusesAHugeFileByItsSize() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(10L * 1024 * 1024);
    }
    refused(validate(big.toString()), big + ": is 10,485,760 bytes");
  }

  @Test
  void validateNamesLineAndOffsetOfBytesThatAreNotUtf8() throws Exception {
    Path f = dir.resolve("latin1.yaml");
    Files.write(f, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    CliRun r = validate(f.toString());
    refused(r, f + ":1:10: not UTF-8 text: byte 0xE9 at byte offset 9");
    assertThat(r.err()).doesNotContain("Input length");
  }

  @Test
  void anEmptyStateDirNameIsRefused() {
    CliRun r = CliRun.run("status", "--state-dir", "");
    refused(r, "--state-dir: the directory name is empty ('')");
  }

  @Test
  void renderRefusesAnEmptyOutName() {
    CliRun r = CliRun.run("render", "--state-dir", dir.resolve("s").toString(), "--out", "");
    refused(r, "--out: the directory name is empty ('')");
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @Test
  void initRefusesAnEmptyFileName() {
    refused(CliRun.run("init", "-f", ""), "-f/--file: the file name is empty ('')");
  }

  @Test
  void aScenarioThatIsADeviceIsRefused() {
    refused(dryRun("/dev/zero"), "/dev/zero: is not a regular file");
  }

  @Test
  void aScenarioThatIsADirectoryIsRefused() {
    refused(dryRun(dir.toString()), dir + ": is a directory, not a file");
  }

  @Test
  void anEmptyScenarioNameIsNamed() {
    refused(dryRun(""), "the scenario name is empty ('')");
  }

  @Test
  void anEmptyScenarioFileIsNamed() throws Exception {
    Path f = Files.createFile(dir.resolve("empty.yaml"));
    refused(dryRun(f.toString()), f + ":1:1: the scenario is empty");
  }

  @Test
  void aHugeScenarioFileIsRefusedByItsSize() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(300_000);
    }
    refused(dryRun(big.toString()), big + ": is 300,000 bytes");
  }

  @Test
  void aScenarioThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
    Path f = dir.resolve("latin1.yaml");
    Files.write(
        f,
        "name: x\ndescription: na\u00efve\nmethod:\n  - action: crash_node\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    refused(dryRun(f.toString()), f + ":2:16: not UTF-8 text: byte 0xEF at byte offset 23");
  }

  @Test
  void loadtestRefusesAJunitPathThatIsADirectoryBeforeTheLoadWithExitThree() {
    CliRun r =
        CliRun.run(
            "loadtest",
            "--url",
            "http://127.0.0.1:9",
            "--junit",
            dir.toString(),
            "--state-dir",
            dir.resolve("s").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.ENVIRONMENT);
    assertThat(r.err()).contains("--junit " + dir + ": is a directory, not a file");
    assertThat(r.out()).isEmpty();
  }
}
