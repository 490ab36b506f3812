package io.madbase.gateway;

import io.madbase.testkit.PostgresServer;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL with the app role, the madbase database and the seed schema for one test class:
 * started before its first test (and its {@code @BeforeAll} methods), stopped after its last, also
 * when they fail. Register it as {@code @RegisterExtension static final TestDatabase db = new
 * TestDatabase();}.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> settings;
  private PostgresServer pg;

  TestDatabase() {
    this(Map.of());
  }

  /** A database started with these server settings ({@code max_connections}, ...). */
  TestDatabase(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    pg = TestGateway.database(settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (pg != null) {
      pg.close();
      pg = null;
    }
  }

  PostgresServer pg() {
    if (pg == null) {
      throw new IllegalStateException("the test database runs only while its test class does");
    }
    return pg;
  }
}
