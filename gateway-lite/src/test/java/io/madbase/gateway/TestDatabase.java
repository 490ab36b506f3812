package io.madbase.gateway;

import io.madbase.testkit.PostgresServer;
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
  private PostgresServer pg;

  @Override
  public void beforeAll(ExtensionContext context) {
    pg = TestGateway.database();
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
