package io.madbase.gateway.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT start a graceful shutdown instead of the JVM's default (run the shutdown
 * hooks, exit 143), so the command can finish its shutdown and return exit code 0 by itself.
 * Through reflection: {@code sun.misc.Signal} is the only way on Java 17, and naming it directly
 * draws a warning javac cannot suppress.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} (once per signal) on SIGTERM and SIGINT; false when signals cannot be
   * handled here.
   */
  static boolean onTerminate(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler ih =
          (Object proxy, Method m, Object[] args) -> {
            if (m.getName().equals("handle")) {
              log.info("received SIG{}", args[0].getClass().getMethod("getName").invoke(args[0]));
              action.run();
              return null;
            }
            return switch (m.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "SignalHandler(graceful shutdown)";
            };
          };
      Object h =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, ih);
      Method handle = signal.getMethod("handle", signal, handler);
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot handle SIGTERM here ({}); relying on the JVM shutdown hook", e.toString());
      return false;
    }
  }
}
