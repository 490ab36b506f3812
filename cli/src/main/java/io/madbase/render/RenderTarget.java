package io.madbase.render;

/** The two layouts a stack is rendered for. */
public enum RenderTarget {
  /** Native processes on loopback addresses, paths under the state directory. */
  LOCAL("local"),
  /** A Compose project: containers reached by service name. */
  COMPOSE("compose");

  private final String id;

  RenderTarget(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
