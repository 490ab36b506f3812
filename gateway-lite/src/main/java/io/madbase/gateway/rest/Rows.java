package io.madbase.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.postgresql.util.PGobject;

/** Result rows as JSON: numbers as numbers, json/jsonb as JSON, timestamps as ISO-8601 text. */
final class Rows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Rows() {}

  static ArrayNode toJson(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    while (rs.next()) {
      ObjectNode row = out.addObject();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.set(md.getColumnLabel(i), value(rs, i, md.getColumnTypeName(i)));
      }
    }
    return out;
  }

  private static JsonNode value(ResultSet rs, int i, String type) throws SQLException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Object v =
        switch (type) {
          case "timestamptz" -> rs.getObject(i, OffsetDateTime.class);
          case "timestamp" -> rs.getObject(i, LocalDateTime.class);
          case "date" -> rs.getObject(i, LocalDate.class);
          default -> rs.getObject(i);
        };
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof Number || v instanceof Boolean) {
      return JSON.valueToTree(v); // Integer, Long, BigDecimal… keep their exact JSON number form
    }
    if (v instanceof PGobject o
        && ("json".equals(o.getType()) || "jsonb".equals(o.getType()))
        && o.getValue() != null) {
      try {
        return JSON.readTree(o.getValue());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return f.textNode(o.getValue());
      }
    }
    return f.textNode(v.toString());
  }
}
