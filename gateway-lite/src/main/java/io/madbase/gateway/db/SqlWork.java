package io.madbase.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one pooled connection. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
