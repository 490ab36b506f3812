package io.madbase;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in words a message can carry: "/proc/nope: no such file or folder",
 * not Java's exception class or a bare path (what NoSuchFileException's message is).
 */
public final class IoReason {
  private IoReason() {}

  /** The reason alone: "no such file or folder". */
  public static String of(IOException e) {
    if (e instanceof FileSystemException f) {
      return what(f);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The reason with the path it concerns: "/proc/nope: no such file or folder". */
  public static String at(IOException e) {
    if (e instanceof FileSystemException f) {
      return f.getFile() != null ? f.getFile() + ": " + what(f) : what(f);
    }
    return of(e);
  }

  private static String what(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "a folder that is not empty";
    }
    return e.getReason() != null ? e.getReason() : "cannot be used";
  }
}
