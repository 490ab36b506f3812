package io.madbase.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.madbase.common.Masking;

/**
 * JSON bodies, always; errors as {@code {"error":{"code":"…","message":"…"}}} with no secret in
 * them.
 */
public final class Responses {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  public static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  public static void error(Context ctx, int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", Masking.mask(message));
    json(ctx, status, body);
  }
}
