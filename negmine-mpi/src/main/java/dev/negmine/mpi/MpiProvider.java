package dev.negmine.mpi;

import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveProvider;
import java.time.Duration;

/** Open MPI through FFM; see {@link MpiCollective}. Stateless. */
public final class MpiProvider implements CollectiveProvider {
  private static Collective opened;

  @Override
  public String name() {
    return "mpi";
  }

  @Override
  public String unavailableReason() {
    return Mpi.find() == null ? "Open MPI's libmpi.so.40 not found (apt-get install openmpi-bin libopenmpi-dev,"
        + " or set NEGMINE_LIBMPI)" : null;
  }

  @Override
  public Collective open(Duration timeout) {
    synchronized (MpiProvider.class) {
      if (opened != null) {
        throw new IllegalStateException("MPI is already open in this process (MPI_Init runs once)");
      }
      opened = new MpiCollective(Mpi.load(), timeout);
      return opened;
    }
  }
}
