package io.madbase.stack;

import java.net.InetSocketAddress;

/** Where madbase itself connects to one port of one member: a host (an IP address) and a port. */
public record Endpoint(String host, int port) {

  /** {@code http://host:port}. */
  public String http() {
    return "http://" + host + ":" + port;
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
