package dev.negmine.cli;

/**
 * Bad input from the user (a file, a flag value). The CLI prints its message as one line and exits
 * with code 2; no stack trace. Messages name the file or option and the offending value.
 */
public final class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserInputException(String message) {
    super(message);
  }

  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
