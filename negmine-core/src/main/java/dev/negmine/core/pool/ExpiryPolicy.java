package dev.negmine.core.pool;

/** What {@link ManagedPool} does when its pool is past its time-to-live. */
public enum ExpiryPolicy {
  /** Throw {@link PoolExpiredException}. */
  FAIL,
  /** Keep using the expired pool, logging one warning per pool. */
  WARN,
  /** Re-mine now, on the caller's thread, and use the fresh pool. */
  REFRESH,
  /**
   * Keep serving the current pool while a background thread re-mines; swap atomically when done.
   * Training never waits.
   */
  BACKGROUND;

  public static ExpiryPolicy parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "fail" -> FAIL;
      case "warn" -> WARN;
      case "refresh" -> REFRESH;
      case "background" -> BACKGROUND;
      default -> throw new IllegalArgumentException("unknown expiry policy '" + s + "' (expected fail, warn, refresh or background)");
    };
  }
}
