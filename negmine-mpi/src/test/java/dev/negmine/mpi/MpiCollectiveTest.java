package dev.negmine.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every collective on 1, 2 and 3 real MPI processes, against values each rank computes itself. */
class MpiCollectiveTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void collectivesAgreeWithTheirDefinition(int ranks, @TempDir Path tmp) throws Exception {
    MpiJobs.Job job = MpiJobs.run(ranks, tmp.resolve("log"), 240, MpiHarness.class.getName(), "collectives", tmp.toString());
    assertEquals(0, job.code(), job.output());
    for (int r = 0; r < ranks; r++) {
      String ok = Files.readString(tmp.resolve("rank-" + r + ".ok"));
      assertTrue(ok.startsWith("world " + ranks + "\n"), ok);
      // a bad root comes back as an exception carrying MPI's own error string
      assertTrue(ok.contains("MPI_Bcast failed: MPI_ERR_ROOT"), ok);
    }
  }

  @Test
  void providerIsFoundThroughServiceLoader() {
    MpiJobs.requireMpi();
    assertEquals(null, new MpiProvider().unavailableReason());
    assertTrue(java.util.ServiceLoader.load(dev.negmine.core.distributed.CollectiveProvider.class).stream()
        .anyMatch(p -> p.type() == MpiProvider.class));
  }
}
