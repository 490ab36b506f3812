package io.madbase.gateway;

import static io.madbase.gateway.TestGateway.get;
import static io.madbase.gateway.TestGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DataApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final TestDatabase db = new TestDatabase();
  static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestGateway.env(db.pg()));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void postReturnsInsertedRowsWithIdsAndGetFindsThemByFilter() throws Exception {
    var created =
        post(
            gw, "/rest/v1/items", "[{\"name\":\"apple\",\"qty\":3},{\"name\":\"pear\",\"qty\":7}]");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode rows = json(created);
    assertThat(rows).hasSize(2);
    long pearId = rows.get(1).get("id").asLong();
    assertThat(rows.get(1).get("qty").asInt()).isEqualTo(7);
    assertThat(created.headers().firstValue("X-Db-Route")).contains("primary");

    var found = get(gw, "/rest/v1/items?id=eq." + pearId);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(json(found)).hasSize(1);
    assertThat(json(found).get(0).get("name").asText()).isEqualTo("pear");
    assertThat(found.headers().firstValue("X-Gateway-Retries")).contains("0");

    var limited = get(gw, "/rest/v1/items?qty=gte.3&order=id.desc&limit=1&select=id,name");
    assertThat(json(limited)).hasSize(1);
    assertThat(json(limited).get(0).has("qty")).isFalse();
  }

  @Test
  void unknownTableIs404WithJsonError() throws Exception {
    var r = get(gw, "/rest/v1/no_such_table");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("unknown_table");
  }

  @Test
  void internalTablesAreNotServed() throws Exception {
    var r = get(gw, "/rest/v1/madbase_projects");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).doesNotContain("db_url");
  }

  @Test
  void malformedJsonIs400() throws Exception {
    var r = post(gw, "/rest/v1/items", "{\"name\": \"x\",");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_json");
  }

  @Test
  void injectionInTableOrColumnNamesIs400() throws Exception {
    var table = get(gw, "/rest/v1/items%3Bdrop%20table%20items");
    assertThat(table.statusCode()).isEqualTo(400);
    assertThat(json(table).at("/error/code").asText()).isEqualTo("invalid_identifier");

    var column = get(gw, "/rest/v1/items?id%22%20or%201%3D1--=eq.1");
    assertThat(column.statusCode()).isEqualTo(400);
    assertThat(json(column).at("/error/code").asText()).isEqualTo("invalid_identifier");

    var bodyColumn =
        post(gw, "/rest/v1/items", "{\"name\":\"x\",\"qty) values (1); drop table items; --\":1}");
    assertThat(bodyColumn.statusCode()).isEqualTo(400);

    var order = get(gw, "/rest/v1/items?order=id;delete");
    assertThat(order.statusCode()).isEqualTo(400);

    // values are bound parameters: a quote in a value is just a value
    var value = get(gw, "/rest/v1/items?name=eq.x'%20or%20'1'='1");
    assertThat(value.statusCode()).isEqualTo(200);
    assertThat(json(value)).isEmpty();
    assertThat(get(gw, "/rest/v1/items").statusCode()).isEqualTo(200);
  }

  @Test
  void badValuesAndUnknownColumnsAre400() throws Exception {
    assertThat(json(get(gw, "/rest/v1/items?id=eq.abc")).at("/error/code").asText())
        .isEqualTo("invalid_value");
    assertThat(json(get(gw, "/rest/v1/items?nope=eq.1")).at("/error/code").asText())
        .isEqualTo("unknown_column");
    assertThat(json(get(gw, "/rest/v1/items?id=between.1")).at("/error/code").asText())
        .isEqualTo("invalid_filter");
  }

  @Test
  void unknownRouteIs404Json() throws Exception {
    var r = get(gw, "/nowhere");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
  }

  @Test
  void duplicateProbeSequenceIs409AndNotDoubled() throws Exception {
    String body = "{\"probe\":\"p1\",\"seq\":1,\"payload\":{\"n\":1}}";
    assertThat(post(gw, "/rest/v1/probe_writes", body).statusCode()).isEqualTo(201);
    var again = post(gw, "/rest/v1/probe_writes", body);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(get(gw, "/rest/v1/probe_writes?probe=eq.p1"))).hasSize(1);
    assertThat(json(get(gw, "/rest/v1/probe_writes?probe=eq.p1")).get(0).at("/payload/n").asInt())
        .isEqualTo(1);
  }

  @Test
  void idempotencyKeyReplaysTheFirstResponseInsteadOfInsertingAgain() throws Exception {
    String body = "{\"name\":\"once\",\"qty\":1}";
    var first = post(gw, "/rest/v1/items", body, "Idempotency-Key", "k-1");
    var second = post(gw, "/rest/v1/items", body, "Idempotency-Key", "k-1");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(second).get(0).get("id")).isEqualTo(json(first).get(0).get("id"));
    assertThat(json(get(gw, "/rest/v1/items?name=eq.once"))).hasSize(1);

    var other = post(gw, "/rest/v1/items", "{\"name\":\"different\"}", "Idempotency-Key", "k-1");
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(json(other).at("/error/code").asText()).isEqualTo("idempotency_key_reused");
  }

  @Test
  void unknownProjectIs404AndKnownProjectIsServed() throws Exception {
    assertThat(get(gw, "/rest/v1/items", "X-Project-Ref", "ghost").statusCode()).isEqualTo(404);
    assertThat(get(gw, "/rest/v1/items", "X-Project-Ref", "Robert'); DROP").statusCode())
        .isEqualTo(400);
    var ok = get(gw, "/rest/v1/items", "X-Project-Ref", "default");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Project-Ref")).contains("default");
  }

  @Test
  void healthIsLiveAndReadyFollowsThePrimary() throws Exception {
    assertThat(get(gw, "/health").statusCode()).isEqualTo(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(gw, "/ready").statusCode() == 200);
    assertThat(json(get(gw, "/ready")).get("primary").asText()).isEqualTo("up");
  }

  @Test
  void metricsArePrometheusTextWithGatewayPrefix() throws Exception {
    get(gw, "/rest/v1/items");
    var m = get(gw, "/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body())
        .contains("gateway_requests_seconds_count{")
        .contains("gateway_pool_active{pool=\"primary\"}")
        .contains("gateway_pool_connections{pool=\"primary\"}")
        .contains("gateway_cache_misses_total{cache=\"table_catalog\"}")
        .contains("route=\"/rest/v1/{table}\"");
  }
}
