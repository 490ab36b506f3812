package io.madbase.stack;

import io.madbase.MadbaseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;

/**
 * Reads a text file a user named (madbase.yaml, a scenario file) before anything parses it: a
 * regular file, at most {@link #MAX_BYTES}, UTF-8. Whatever is wrong comes back as a message in the
 * user's terms, naming the file (issue 13, item 3): {@code -f /dev/zero} is refused rather than
 * read until memory runs out, and a huge file is refused by its size before a byte is parsed.
 */
public final class InputFile {
  /**
   * The largest file madbase reads. Its own files are a few KB (the commented default madbase.yaml
   * is under 4 KB); SnakeYAML's time grows faster than the size (`madbase validate` of one value of
   * 1 MB took 6.2 s here, of 2 MB 16.8 s), so anything beyond this is refused rather than parsed.
   */
  public static final int MAX_BYTES = 256 * 1024;

  private InputFile() {}

  /** Whether {@code file} is there at all (a link to nothing counts: reading it says so). */
  public static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The text of {@code file}; exit 2 for a file the user should fix or name differently (missing,
   * empty name, a directory or device, too big, not UTF-8), exit 3 when the machine fails to read
   * it.
   */
  public static String read(Path file) {
    return read(file, MAX_BYTES);
  }

  /** {@link #read(Path)} with another limit: for madbase's own state files, which hold a spec. */
  public static String read(Path file, int maxBytes) {
    String name = file.toString();
    if (name.isEmpty()) {
      throw MadbaseException.invalidInput("the file name is empty ('')");
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw MadbaseException.invalidInput(name + ": " + missing(file));
    } catch (AccessDeniedException e) {
      throw MadbaseException.invalidInput(name + ": cannot read it: permission denied");
    } catch (IOException e) {
      throw MadbaseException.environment(name + ": cannot read it: " + io.madbase.IoReason.of(e));
    }
    if (attrs.isDirectory()) {
      throw MadbaseException.invalidInput(name + ": is a directory, not a file");
    }
    if (!attrs.isRegularFile()) {
      throw MadbaseException.invalidInput(
          name
              + ": is not a regular file (a device, pipe or socket); madbase reads its files"
              + " whole: name a regular file");
    }
    if (attrs.size() > maxBytes) {
      throw tooBig(name, attrs.size(), maxBytes);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // the size can change between the check and the read: never read more than the limit
      bytes = in.readNBytes(maxBytes + 1);
    } catch (AccessDeniedException e) {
      throw MadbaseException.invalidInput(name + ": cannot read it: permission denied");
    } catch (IOException e) {
      throw MadbaseException.environment(name + ": cannot read it: " + io.madbase.IoReason.of(e));
    }
    if (bytes.length > maxBytes) {
      throw tooBig(name, bytes.length, maxBytes);
    }
    return decode(name, bytes);
  }

  /**
   * {@code bytes} as UTF-8 text (a leading byte order mark dropped); bytes that are not UTF-8 are
   * refused with their line and byte offset, never replaced.
   */
  public static String decode(String name, byte[] bytes) {
    int start = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xef
        && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      start = 3; // editors on Windows write one; it is no part of the text
    }
    if (bytes.length >= 2
        && ((bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe
            || (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff)) {
      throw new SpecException(
          List.of(
              new SpecError(
                  name,
                  1,
                  1,
                  "",
                  "UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8")));
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int offset = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new SpecException(
          List.of(
              new SpecError(
                  name,
                  line,
                  offset - lineStart + 1,
                  "",
                  String.format(
                      Locale.ROOT,
                      "not UTF-8 text: byte 0x%02X at byte offset %d cannot start or continue a"
                          + " character here; save the file as UTF-8",
                      bytes[offset] & 0xff,
                      offset))));
    }
    return out.flip().toString();
  }

  private static String missing(Path file) {
    if (Files.isSymbolicLink(file)) {
      try {
        return "a symbolic link to " + Files.readSymbolicLink(file) + ", which does not exist";
      } catch (IOException e) {
        return "a symbolic link to a file that does not exist";
      }
    }
    return "no such file";
  }

  private static MadbaseException tooBig(String name, long size, int maxBytes) {
    return MadbaseException.invalidInput(
        String.format(
            Locale.ROOT,
            "%s: is %,d bytes, and madbase reads files of up to %d KiB (its own are a few KB): is"
                + " it the right file?",
            name,
            size,
            maxBytes / 1024));
  }
}
