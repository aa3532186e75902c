package dev.negmine.core.distributed;

/** A collective operation failed; the message is the transport's own (e.g. MPI_Error_string). */
public class CollectiveException extends RuntimeException {
  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
