package dev.negmine.core.distributed;

import java.time.Duration;

/**
 * A multi-process {@link Collective} implementation found through {@link java.util.ServiceLoader}
 * (negmine-mpi provides Open MPI's). Implementations are stateless and thread-safe.
 */
public interface CollectiveProvider {
  /** Short name, e.g. {@code mpi}. */
  String name();

  /** Why this provider cannot run here (library missing, JDK too old...), or null when it can. */
  String unavailableReason();

  /**
   * Joins the job this process was started in (e.g. by mpirun). Once per process.
   *
   * @param timeout how long one collective may wait for the other ranks before the job is aborted
   *     (a rank that died or hangs); the first synchronisation gets {@link Collectives#STARTUP_TIMEOUT}
   */
  Collective open(Duration timeout);
}
