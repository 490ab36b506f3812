package io.madbase.stack;

/** What a member of the stack is. */
public enum Role {
  ETCD("etcd"),
  POSTGRES("postgres"),
  HAPROXY("haproxy"),
  REDIS("redis"),
  SENTINEL("sentinel"),
  GATEWAY("gateway"),
  WORKER("worker");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
