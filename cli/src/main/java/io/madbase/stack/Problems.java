package io.madbase.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects validation problems of one file, each located at the field the user should change: of
 * several fields a rule involves, the first one the file sets (a default cannot be wrong on its
 * own); if the file sets none, the nearest ancestor that it does.
 */
public final class Problems {
  private final String source;
  private final YamlLocations where;
  private final List<SpecError> errors = new ArrayList<>();

  public Problems(String source, YamlLocations where) {
    this.source = source;
    this.where = where;
  }

  public void add(String field, String message) {
    add(List.of(field), message);
  }

  public void add(List<String> fields, String message) {
    String field = fields.stream().filter(where::contains).findFirst().orElse(fields.get(0));
    var pos = where.find(field);
    errors.add(
        new SpecError(
            source,
            pos.map(YamlLocations.Position::line).orElse(0),
            pos.map(YamlLocations.Position::column).orElse(0),
            field,
            message));
  }

  public List<SpecError> list() {
    return List.copyOf(errors);
  }

  /** Throws a {@link SpecException} (exit 2) if there is any problem. */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }
}
