package dev.negmine.core.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Factories: the single-process collective and the multi-process one found on the class path. */
public final class Collectives {
  /** Default limit on one collective's wait for the other ranks. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  /**
   * Limit on the first synchronisation, which waits for every rank's JVM and engine to start and
   * its data to load (tens of seconds apart on a loaded machine).
   */
  public static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

  private Collectives() {}

  /** World size 1: every operation returns its input. */
  public static Collective local() {
    return new LocalCollective();
  }

  /**
   * The multi-process collective of the first available provider on the class path.
   *
   * @throws IllegalStateException naming why none can run (not on the class path, JDK too old, no
   *     libmpi)
   */
  public static Collective open(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("collective timeout must be > 0, got " + timeout);
    }
    List<String> reasons = new ArrayList<>();
    try {
      for (CollectiveProvider p : ServiceLoader.load(CollectiveProvider.class)) {
        String why = p.unavailableReason();
        if (why == null) {
          return p.open(timeout);
        }
        reasons.add(p.name() + ": " + why);
      }
    } catch (ServiceConfigurationError | UnsupportedClassVersionError e) {
      reasons.add("negmine-mpi could not be loaded (it needs JDK 22 or newer; this is "
          + Runtime.version().feature() + "): " + e.getMessage());
    }
    throw new IllegalStateException(reasons.isEmpty()
        ? "distributed training needs negmine-mpi on the class path (bin/negmine has it)"
        : "no collective transport can run here: " + String.join("; ", reasons));
  }
}
