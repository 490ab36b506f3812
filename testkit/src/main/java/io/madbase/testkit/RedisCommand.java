package io.madbase.testkit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One Redis or Sentinel command for the fixtures' own checks, through Lettuce (what the gateway and
 * the CLI use): a connection per command with bounded timeouts, so that a node Sentinel
 * reconfigures, or one that is down, costs one failed command and nothing else. Replies as plain
 * values: a text, a number, a list (nested for nested arrays), or null; a Redis error is thrown.
 */
public final class RedisCommand {
  /** Event loops shared by every fixture command, for the life of the JVM. */
  private static final ClientResources RESOURCES =
      DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();

  private RedisCommand() {}

  /**
   * Sends {@code args} (after AUTH when {@code password} is not null) to the server on loopback
   * port {@code port}, and returns the reply.
   */
  public static Object send(int port, String password, String... args) {
    RedisURI.Builder uri =
        RedisURI.builder()
            .withHost(FreePorts.HOST)
            .withPort(port)
            .withTimeout(Duration.ofSeconds(5));
    if (password != null) {
      uri.withPassword(password.toCharArray());
    }
    RedisClient client = RedisClient.create(RESOURCES, uri.build());
    client.setOptions(
        ClientOptions.builder()
            .protocolVersion(ProtocolVersion.RESP2)
            .autoReconnect(false)
            .build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      CommandArgs<String, String> rest = new CommandArgs<>(StringCodec.UTF8);
      for (int i = 1; i < args.length; i++) {
        rest.add(args[i]);
      }
      Reply reply = new Reply();
      c.sync().dispatch(new Keyword(args[0]), reply, rest);
      return reply.value();
    } catch (RedisConnectionException e) {
      // the server answered the connection's first command (AUTH, PING) with an error: that error
      // is the answer (NOAUTH, WRONGPASS), not a connection that could not be made
      if (e.getCause() instanceof RedisCommandExecutionException refused) {
        throw refused;
      }
      throw e;
    } finally {
      client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
    }
  }

  /** Any command by its name, as Lettuce sends a keyword it has no constant for. */
  private record Keyword(String word) implements ProtocolKeyword {
    @Override
    public byte[] getBytes() {
      return word.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /**
   * Lettuce's nested output, told apart when the reply was one value rather than an array (the
   * nested output collects a single value into a list of one).
   */
  private static final class Reply extends NestedMultiOutput<String, String> {
    private boolean array;

    Reply() {
      super(StringCodec.UTF8);
    }

    @Override
    public void multi(int count) {
      array = true;
      super.multi(count);
    }

    Object value() {
      List<Object> out = get();
      if (array) {
        return out;
      }
      return out == null || out.isEmpty() ? null : out.get(0);
    }
  }
}
