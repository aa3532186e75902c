package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.Triplets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench}: quick, reproducible speed figures for docs/benchmarks.md and for users
 * sizing a machine. JMH (module {@code benchmarks}) is the rigorous harness; this is the
 * one-command view.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure kernel and miner speed on seeded random data.",
    subcommands = {BenchCommand.MinersBench.class, QueueBench.class, OfflineBench.class, DynamicIndexBench.class,
        CollectiveBench.class, TrainStepBench.class, dev.negmine.cli.text.TextBench.class,
        dev.negmine.cli.text.RetrievalStepBench.class})
public final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "bench needs a subcommand: miners, queue, offline, dynamic-index or collective");
  }

  /** {@code negmine bench miners}. */
  @Command(
      name = "miners",
      mixinStandardHelpOptions = true,
      description =
        "Median time of the B x B similarity matrix alone and of every miner preset (similarity included) on seeded random unit vectors with balanced classes, and the kernel's GFLOP/s (2*B*B*d / time).")
  static final class MinersBench implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "1024", description = "Batch size B (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dim", defaultValue = "128", description = "Embedding dimension d (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--classes", defaultValue = "64", description = "Number of classes (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--miners", split = ",", description = "Presets to run (default: all).")
    List<String> miners;

    @Option(names = "--min-time", defaultValue = "1.0",
        description = "Seconds of measurement per case, at least 5 runs (default ${DEFAULT-VALUE}).")
    double minTime;

    @Option(names = "--seed", defaultValue = "42", description = "Data seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      if (batch < 2 || dim < 1 || classes < 2 || classes > batch) {
        throw new UserInputException("--batch must be >= 2, --dim >= 1 and 2 <= --classes <= --batch; got batch="
            + batch + " dim=" + dim + " classes=" + classes);
      }
      List<String> names = miners == null ? Miners.presets() : miners;
      for (String n : names) {
        if (!Miners.presets().contains(n)) {
          throw new UserInputException("--miners: unknown preset '" + n + "' (valid: " + String.join(", ", Miners.presets()) + ")");
        }
      }
      FloatMatrix emb = BenchTiming.randomUnit(batch, dim, seed);
      long[] labels = new long[batch];
      for (int i = 0; i < batch; i++) {
        labels[i] = i % classes;
      }

      BenchTiming.Stats sim = BenchTiming.measure(minTime, () -> Similarities.selfMatrix(emb, Distance.L2));
      double gflops = 2.0 * batch * batch * dim / (sim.median() * 1e6);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("batch", batch);
      out.put("dim", dim);
      out.put("classes", classes);
      out.put("backend", Similarities.backend());
      out.put("threads", Runtime.getRuntime().availableProcessors());
      out.put("similarity_ms", BenchTiming.round(sim.median()));
      out.put("similarity_min_ms", BenchTiming.round(sim.min()));
      out.put("gflops", BenchTiming.round(gflops));
      Map<String, Object> minerOut = new LinkedHashMap<>();
      if (!json) {
        System.out.printf(Locale.ROOT, "similarity %dx%d d=%d (%s): median %.3f ms, %.1f GFLOP/s%n",
            batch, batch, dim, Similarities.backend(), sim.median(), gflops);
        System.out.printf(Locale.ROOT, "%-18s %12s %12s %12s%n", "miner", "median ms", "min ms", "rows");
      }
      for (String name : names) {
        Miner m = Miners.create(name, MinerConfig.builder().seed(seed).build());
        long[] rows = new long[1];
        BenchTiming.Stats s = BenchTiming.measure(minTime, () -> {
          Triplets t = m.mine(emb, labels, null);
          rows[0] = t.size();
          return t;
        });
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("median_ms", BenchTiming.round(s.median()));
        r.put("min_ms", BenchTiming.round(s.min()));
        r.put("rows", rows[0]);
        r.put("runs", s.runs());
        minerOut.put(name, r);
        if (!json) {
          System.out.printf(Locale.ROOT, "%-18s %12.3f %12.3f %12d%n", name, s.median(), s.min(), rows[0]);
        }
      }
      out.put("miners", minerOut);
      if (json) {
        System.out.println(Json.write(out));
      }
      return 0;
    }
  }
}
