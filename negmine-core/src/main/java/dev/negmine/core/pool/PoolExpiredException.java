package dev.negmine.core.pool;

import java.time.Instant;

/** A pool past its time-to-live was used under {@link ExpiryPolicy#FAIL}. */
public final class PoolExpiredException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public PoolExpiredException(Instant expiredAt, Instant now) {
    super("candidate pool expired at " + expiredAt + " (now " + now + "); re-mine it or choose another expiry policy");
  }
}
