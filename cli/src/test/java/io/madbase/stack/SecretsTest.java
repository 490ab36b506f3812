package io.madbase.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path dir;

  @Test
  void secretsAreGeneratedOnceAndKeptInAnOwnerOnlyFile() throws Exception {
    Secrets first = Secrets.loadOrCreate(dir);
    Path file = dir.resolve(Secrets.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Secrets again = Secrets.loadOrCreate(dir);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aDamagedSecretsFileIsNamedWithoutTheParsersWords() throws Exception {
    Path file = dir.resolve(Secrets.FILE);
    Secrets.writeOwnerOnly(file, "{\n  \"superuser\" : oops\n}\n", false);
    assertThatThrownBy(() -> Secrets.load(file))
        .isInstanceOf(MadbaseException.class)
        .hasMessage(
            file
                + " is damaged (not the JSON madbase writes (line 2)); delete it to generate new"
                + " passwords (only on a stack that is down and purged)");
  }

  @Test
  void everyPasswordIsDifferentAndLong() {
    Secrets s = Secrets.generate();
    List<Secret> all = s.all();
    assertThat(new HashSet<>(all)).hasSize(6);
    assertThat(all).allSatisfy(x -> assertThat(x.reveal()).hasSize(32).matches("[A-Za-z0-9]+"));
    assertThat(Secrets.generate().superuser()).isNotEqualTo(s.superuser());
  }

  @Test
  void secretsNeverPrintThemselves() {
    Secrets s = Secrets.generate();
    assertThat(s.superuser().toString()).isEqualTo("<masked>");
    assertThat(s.toString()).doesNotContain(s.superuser().reveal()).contains("<masked>");
    assertThat(String.valueOf(List.of(s.redis()))).doesNotContain(s.redis().reveal());
  }

  @Test
  void aStackFromBeforePatronisRestPasswordGetsOneKeepingTheOthers() throws Exception {
    Path file = dir.resolve(Secrets.FILE);
    Secrets.writeOwnerOnly(
        file,
        "{\"superuser\":\"su-pw\",\"replication\":\"re-pw\",\"rewind\":\"rw-pw\","
            + "\"app\":\"app-pw\",\"redis\":\"redis-pw\"}",
        false);
    Secrets s = Secrets.loadOrCreate(dir);
    assertThat(s.superuser().reveal()).isEqualTo("su-pw");
    assertThat(s.redis().reveal()).isEqualTo("redis-pw");
    assertThat(s.patroniApi().reveal()).hasSize(32);
    assertThat(Secrets.load(file)).as("saved, so every later command uses the same").isEqualTo(s);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aSecretsFileOthersCanReadIsRefused() throws Exception {
    Secrets.loadOrCreate(dir);
    Path file = dir.resolve(Secrets.FILE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Secrets.load(file))
        .isInstanceOf(MadbaseException.class)
        .hasMessageContaining("chmod 600")
        .satisfies(
            e -> assertThat(((MadbaseException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
  }
}
