package io.madbase.gateway;

/** The listener's port is in use (exit code 3). */
public final class PortTakenException extends RuntimeException {
  public PortTakenException(String message, Throwable cause) {
    super(message, cause);
  }
}
