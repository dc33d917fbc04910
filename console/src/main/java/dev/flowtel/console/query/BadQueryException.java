package dev.flowtel.console.query;

/** A console request the user can fix: its message names the parameter and what was expected. */
public final class BadQueryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public BadQueryException(String message) {
    super(message);
  }
}
