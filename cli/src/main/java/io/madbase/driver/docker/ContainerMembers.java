package io.madbase.driver.docker;

import com.github.dockerjava.api.model.Container;
import java.util.Map;
import java.util.Optional;

/** Which container on the engine each member of a stack is now. */
interface ContainerMembers {
  /** Every member that has a container, with its current one (running or not). */
  Map<String, Container> all();

  default Optional<Container> find(String member) {
    return Optional.ofNullable(all().get(member));
  }

  /** The name to give {@code docker logs} for a member's container, for messages. */
  String containerName(String member);
}
