package io.madbase.driver;

import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.List;

/**
 * One member as the driver sees it: its process, not its health.
 *
 * @param pid the member's main process (Patroni for a postgres node), or 0 if none is recorded
 * @param alive whether that process is running
 * @param childPids for a postgres node: the postmaster, if running (Patroni detaches it)
 */
public record NodeInfo(
    String name, Role role, String address, long pid, boolean alive, List<Long> childPids) {

  /** The member this is (also a worker added at run time, which the spec's topology lacks). */
  public Member member() {
    String digits = name.replaceFirst("^\\D+", "");
    return new Member(role, name, digits.isEmpty() ? 1 : Integer.parseInt(digits), address);
  }
}
