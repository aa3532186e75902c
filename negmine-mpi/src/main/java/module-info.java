/**
 * negmine mpi: the multi-process {@link dev.negmine.core.distributed.Collective} over Open MPI's
 * libmpi, called through the FFM API (Java 22+). Exports nothing: core's {@code Collectives.open}
 * finds it through the service it provides. Needs {@code --enable-native-access=dev.negmine.mpi}
 * (or ALL-UNNAMED on the class path).
 */
module dev.negmine.mpi {
  requires dev.negmine.core;

  provides dev.negmine.core.distributed.CollectiveProvider with dev.negmine.mpi.MpiProvider;
}
