package dev.negmine.mpi;

import static org.junit.jupiter.api.Assertions.fail;

import dev.negmine.train.distributed.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Starts multi-process jobs for the tests: mpirun over JVMs with this test JVM's class path. */
final class MpiJobs {
  private MpiJobs() {}

  /** What one mpirun job did. */
  record Job(int code, String output, double seconds) {}

  /**
   * Open MPI must be installed: these tests run for real (CI installs it). Set NEGMINE_SKIP_MPI=1
   * to skip them on a machine without it.
   */
  static void requireMpi() {
    boolean missing = Launcher.mpirun() == null || Mpi.find() == null;
    if (missing && "1".equals(System.getenv("NEGMINE_SKIP_MPI"))) {
      Assumptions.abort("Open MPI not installed and NEGMINE_SKIP_MPI=1");
    }
    if (missing) {
      fail("Open MPI is not installed (mpirun " + Launcher.mpirun() + ", libmpi " + Mpi.find()
          + "): apt-get install openmpi-bin libopenmpi-dev, or set NEGMINE_SKIP_MPI=1 to skip the multi-process tests");
    }
  }

  static Job run(int ranks, Path log, long timeoutSeconds, String mainClass, String... args)
      throws IOException, InterruptedException {
    requireMpi();
    List<String> cmd = Launcher.mpirunCommand(ranks, Launcher.javaCommand(mainClass, List.of(args)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("mpirun did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Job(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
  }
}
