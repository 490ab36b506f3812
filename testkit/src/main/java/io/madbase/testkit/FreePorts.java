package io.madbase.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Ephemeral free ports on 127.0.0.1, never handed out twice in one JVM. */
public final class FreePorts {
  public static final String HOST = "127.0.0.1";
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        int port = s.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind an ephemeral port on " + HOST, e);
      }
    }
    throw new IllegalStateException("no unused ephemeral port on " + HOST + " after 50 tries");
  }
}
