package io.madbase.gateway.project;

import java.util.Optional;

/** Where project configs come from: the {@code madbase_projects} table, or the control plane. */
public interface ProjectSource {
  /** The project, or empty when there is none by that ref. Throws when the source cannot answer. */
  Optional<ProjectConfig> find(String ref);
}
