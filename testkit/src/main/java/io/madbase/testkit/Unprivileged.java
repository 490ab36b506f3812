package io.madbase.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root: when the tests run as root, its programs run as the {@code
 * postgres} OS user through {@code setpriv}, which execs (so the PID is the program's own). When
 * not root, they run as the current user.
 */
final class Unprivileged {
  static final String USER = "postgres";

  private Unprivileged() {}

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static List<String> command(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> out =
        new ArrayList<>(
            List.of(
                Binaries.onPath("setpriv", "util-linux").toString(),
                "--reuid=" + USER,
                "--regid=" + USER,
                "--init-groups",
                "--reset-env"));
    out.addAll(command);
    return out;
  }

  /** Hands {@code path} to the server user (when root). */
  static void chown(Path path) {
    if (!isRoot()) {
      return;
    }
    try {
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName(USER));
      GroupPrincipal group = users.lookupPrincipalByGroupName(USER);
      view.setGroup(group);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot hand "
              + path
              + " to the "
              + USER
              + " user (is postgresql-15 installed? run scripts/install-deps.sh)",
          e);
    }
  }
}
