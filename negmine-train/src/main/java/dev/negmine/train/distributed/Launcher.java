package dev.negmine.train.distributed;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command lines that start N ranks of a Java program under Open MPI's {@code mpirun}: the same JVM
 * binary, JVM options and class path as this process. Pure functions of the environment; thread-safe.
 */
public final class Launcher {
  /**
   * mpirun options for one machine: loopback TCP only (no shared-memory or InfiniBand transports to
   * probe), more ranks than cores allowed, no core binding (the JVM and PyTorch manage threads).
   * {@code NEGMINE_MPIRUN_ARGS} replaces them (e.g. a hostfile and the cluster's interfaces).
   */
  public static final List<String> LOCAL_ARGS = List.of("--oversubscribe", "--bind-to", "none",
      "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo");

  private Launcher() {}

  /** The mpirun executable on PATH, or null. */
  public static Path mpirun() {
    return mpirun(System.getenv("PATH"));
  }

  /** The first executable {@code mpirun} on the search path {@code path}, by its real directory. */
  static Path mpirun(String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "mpirun");
      if (Files.isExecutable(p)) {
        // Open MPI derives its install prefix from the path it was started by: through /bin on a
        // merged-/usr system that prefix is "/", which mpirun refuses ("a prefix ... that only
        // contained slashes"). The directory's real path (/usr/bin) gives the right prefix.
        try {
          Path real = p.getParent().toRealPath().resolve("mpirun");
          return Files.isExecutable(real) ? real : p;
        } catch (java.io.IOException e) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * {@code mpirun [options] -np ranks program...}.
   *
   * @throws IllegalStateException when mpirun is not installed
   */
  public static List<String> mpirunCommand(int ranks, List<String> program) {
    if (ranks < 1) {
      throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
    }
    Path mpirun = mpirun();
    if (mpirun == null) {
      throw new IllegalStateException("mpirun not found on PATH: install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(mpirun.toString());
    String custom = System.getenv("NEGMINE_MPIRUN_ARGS");
    if (custom != null && !custom.isBlank()) {
      cmd.addAll(Arrays.asList(custom.trim().split("\\s+")));
    } else {
      if ("root".equals(System.getProperty("user.name"))) {
        cmd.add("--allow-run-as-root");
      }
      cmd.addAll(LOCAL_ARGS);
    }
    cmd.add("-np");
    cmd.add(Integer.toString(ranks));
    cmd.addAll(program);
    return cmd;
  }

  /** {@code java <this JVM's options> -cp <this class path> mainClass args...}. */
  public static List<String> javaCommand(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // a debugger agent's port cannot be shared by several ranks
      if (!a.startsWith("-agentlib:jdwp")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
