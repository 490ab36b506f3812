package io.madbase.gateway.project;

import io.madbase.gateway.db.Completion;
import io.madbase.gateway.db.DbRouter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Project configs from the {@code madbase_projects} table (see SeedSchema), read like any read. */
public final class DatabaseProjects implements ProjectSource {
  private static final String QUERY =
      "SELECT ref, db_url, max_rows, rate_limit_per_minute, enabled FROM madbase_projects WHERE ref = ?";
  private final DbRouter router;

  public DatabaseProjects(DbRouter router) {
    this.router = router;
  }

  @Override
  public Optional<ProjectConfig> find(String ref) {
    try {
      // a blocking wait, but rare: configs are cached (PROJECT_CONFIG_TTL, in memory and Redis),
      // and a read is served by the replica at once unless it is held
      return Completion.join(
              router.readShared(
                  c -> {
                    try (PreparedStatement ps = c.prepareStatement(QUERY)) {
                      ps.setString(1, ref);
                      try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                          return Optional.<ProjectConfig>empty();
                        }
                        return Optional.of(
                            new ProjectConfig(
                                rs.getString(1),
                                Optional.ofNullable(rs.getString(2)),
                                rs.getInt(3),
                                rs.getInt(4),
                                rs.getBoolean(5)));
                      }
                    }
                  }))
          .value();
    } catch (SQLException e) {
      throw new io.madbase.gateway.http.ApiException(
          500, "project_lookup_failed", "cannot read project " + ref + ": " + e.getMessage());
    }
  }
}
