package dev.negmine.cli;

import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.Collectives;
import dev.negmine.core.io.Json;
import dev.negmine.train.distributed.Launcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench collective}: latency of the collectives distributed training calls, on
 * {@code --ranks} processes started under mpirun (this command starts them and rank 0 prints).
 * Each timed call is preceded by a barrier so ranks enter together; times include the copies
 * between Java arrays and native memory, as training pays them.
 */
@Command(name = "collective", mixinStandardHelpOptions = true,
    description = "Median latency of allGather and allReduce through Open MPI (FFM) at 100 KB and 1 MB on N local ranks.")
final class CollectiveBench implements Callable<Integer> {
  @Option(names = "--ranks", defaultValue = "2", description = "processes (default ${DEFAULT-VALUE})")
  int ranks;

  @Option(names = "--sizes", split = ",", defaultValue = "102400,1048576",
      description = "payload bytes: the gathered result of an allGather (each rank sends its share), the buffer of an allReduce (default ${DEFAULT-VALUE})")
  List<Integer> sizes;

  @Option(names = "--iterations", defaultValue = "200", description = "timed calls per case after 20 warm-up calls (default ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Option(names = "--worker", hidden = true, description = "run as one rank (set by the launcher)")
  boolean worker;

  @Override
  public Integer call() throws Exception {
    if (ranks < 1 || iterations < 1 || sizes.stream().anyMatch(s -> s < 4)) {
      throw new UserInputException("--ranks and --iterations must be >= 1 and --sizes >= 4 bytes");
    }
    if (!worker) {
      List<String> args = new ArrayList<>(List.of("bench", "collective", "--worker", "--ranks", Integer.toString(ranks),
          "--iterations", Integer.toString(iterations), "--sizes", String.join(",", sizes.stream().map(String::valueOf).toList())));
      if (json) {
        args.add("--json");
      }
      List<String> cmd;
      try {
        cmd = Launcher.mpirunCommand(ranks, Launcher.javaCommand(Main.class.getName(), args));
      } catch (IllegalStateException e) {
        throw new UserInputException(e.getMessage());
      }
      return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
    try (Collective c = Collectives.open(Duration.ofSeconds(60))) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ranks", c.worldSize());
      out.put("transport", "Open MPI via FFM");
      out.put("iterations", iterations);
      List<Map<String, Object>> cases = new ArrayList<>();
      for (int size : sizes) {
        int perRank = Math.max(1, size / 4 / c.worldSize());
        float[] part = new float[perRank];
        Arrays.fill(part, c.rank());
        int[] counts = new int[c.worldSize()];
        Arrays.fill(counts, perRank);
        cases.add(measure(c, "allGather", size, () -> c.allGather(part, counts)));
        float[] buf = new float[size / 4];
        cases.add(measure(c, "allReduce", size, () -> {
          Arrays.fill(buf, 1f);
          c.allReduceSum(buf);
        }));
      }
      out.put("cases", cases);
      if (c.rank() == 0) {
        if (json) {
          System.out.println(Json.write(out));
        } else {
          System.out.printf(Locale.ROOT, "%d ranks, Open MPI through FFM, %d calls per case%n", c.worldSize(), iterations);
          System.out.printf(Locale.ROOT, "%-10s %10s %12s %12s%n", "op", "bytes", "median ms", "p90 ms");
          for (Map<String, Object> m : cases) {
            System.out.printf(Locale.ROOT, "%-10s %10d %12.4f %12.4f%n", m.get("op"), m.get("bytes"), m.get("median_ms"), m.get("p90_ms"));
          }
        }
      }
    }
    return 0;
  }

  private Map<String, Object> measure(Collective c, String op, int bytes, Runnable call) {
    for (int i = 0; i < 20; i++) {
      c.barrier();
      call.run();
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      c.barrier();
      long t0 = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("bytes", bytes);
    m.put("median_ms", BenchTiming.round(ms[ms.length / 2]));
    m.put("p90_ms", BenchTiming.round(ms[(int) (ms.length * 0.9)]));
    m.put("min_ms", BenchTiming.round(ms[0]));
    return m;
  }
}
