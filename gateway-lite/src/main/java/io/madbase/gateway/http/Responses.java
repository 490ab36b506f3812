package io.madbase.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.madbase.common.Masking;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON bodies, always; errors as {@code {"error":{"code":"…","message":"…"}}} with no secret in
 * them.
 */
public final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);
  public static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  /**
   * Writes {@code body} straight to the response: {@code Context.result(String)} would copy it
   * through a new 32 KB buffer per response (Javalin's copy of the result stream).
   */
  public static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json");
    try {
      ctx.outputStream().write(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      // the client has gone: there is no one left to answer
      log.debug(
          "{} {}: the response could not be written: {}", ctx.method(), ctx.path(), e.toString());
    }
  }

  public static void error(Context ctx, int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", Masking.mask(message));
    json(ctx, status, body);
  }
}
