package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.queue.MemoryQueue;
import dev.negmine.core.queue.QueueMining;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench queue}: a batch mined against batch + a full memory queue, against the bare
 * B x Q similarity kernel writing into a reused buffer. The ratio is the acceptance figure (mining
 * over kernel); negatives per millisecond compares with pytorch-metric-learning's
 * CrossBatchMemory(8192) + BatchHardMiner at batch 256 (91-119 ms per step on this kind of machine).
 */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = "Median time of mining a batch against batch + a full memory queue (seeded random unit vectors) next to the bare batch x queue similarity kernel; ratio = mining / kernel.")
final class QueueBench implements Callable<Integer> {
  /** PML CrossBatchMemory(8192) + BatchHardMiner, batch 256: fastest measured step (PEERS.md). */
  static final double PML_XBM_MS = 91.0;
  static final int PML_XBM_QUEUE = 8192;
  static final int PML_XBM_BATCH = 256;

  @Option(names = "--queue", defaultValue = "65536", description = "Queue capacity Q (default ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--batch", defaultValue = "256", description = "Batch size B (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--dim", defaultValue = "128", description = "Embedding dimension d (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--classes", defaultValue = "1000", description = "Number of classes (default ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--miner", defaultValue = "batch-hard", description = "Miner preset (default ${DEFAULT-VALUE}).")
  String miner;

  @Option(names = "--min-time", defaultValue = "1.0",
      description = "Seconds of measurement per case, at least 5 runs (default ${DEFAULT-VALUE}).")
  double minTime;

  @Option(names = "--seed", defaultValue = "42", description = "Data seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (queue < 1 || queue > (1 << 20) || batch < 2 || dim < 1 || classes < 2) {
      throw new UserInputException("need 1 <= --queue <= 1048576, --batch >= 2, --dim >= 1, --classes >= 2; got queue="
          + queue + " batch=" + batch + " dim=" + dim + " classes=" + classes);
    }
    if (!Miners.presets().contains(miner)) {
      throw new UserInputException("--miner: unknown preset '" + miner + "' (valid: " + String.join(", ", Miners.presets()) + ")");
    }
    MemoryQueue q = MemoryQueue.builder(queue, dim).build();
    FloatMatrix stored = BenchTiming.randomUnit(queue, dim, seed);
    long[] ql = new long[queue];
    long[] qi = new long[queue];
    for (int i = 0; i < queue; i++) {
      ql[i] = i % classes;
      qi[i] = i;
    }
    q.enqueue(stored, ql, qi, 0);
    FloatMatrix b = BenchTiming.randomUnit(batch, dim, seed + 1);
    long[] labels = new long[batch];
    long[] ids = new long[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = i % classes;
      ids[i] = queue + i;
    }
    FloatMatrix queueRows = q.view().embeddings();
    FloatMatrix out = FloatMatrix.zeros(batch, queue);
    Miner m = Miners.create(miner, MinerConfig.builder().seed(seed).build());
    int[] rows = new int[1];
    Runnable kernelRun = () -> Similarities.matrix(b, queueRows, Distance.L2, out);
    Runnable miningRun = () -> {
      QueueMining r = q.mine(m, b, labels, ids, 1);
      rows[0] = r.triplets().size();
    };
    // Alternating runs: both cases see the same machine load, which matters on shared cores.
    double[][] medians = BenchTiming.measureAlternating(minTime, kernelRun, miningRun);
    BenchTiming.Stats kernel = new BenchTiming.Stats(medians[0][0], medians[0][1], (int) medians[0][2]);
    BenchTiming.Stats mining = new BenchTiming.Stats(medians[1][0], medians[1][1], (int) medians[1][2]);
    double candidates = (double) batch * (batch + queue);
    double perMs = candidates / mining.median();
    double pmlPerMs = (double) PML_XBM_BATCH * (PML_XBM_BATCH + PML_XBM_QUEUE) / PML_XBM_MS;
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("queue", queue);
    o.put("batch", batch);
    o.put("dim", dim);
    o.put("miner", miner);
    o.put("backend", Similarities.backend());
    o.put("threads", Runtime.getRuntime().availableProcessors());
    o.put("kernel_ms", BenchTiming.round(kernel.median()));
    o.put("mining_ms", BenchTiming.round(mining.median()));
    o.put("ratio", BenchTiming.round(mining.median() / kernel.median()));
    o.put("negatives_per_ms", Math.round(perMs));
    o.put("pml_xbm_negatives_per_ms", Math.round(pmlPerMs));
    o.put("vs_pml_xbm", BenchTiming.round(perMs / pmlPerMs));
    o.put("triplets", rows[0]);
    o.put("load_average", BenchTiming.loadAverage());
    if (json) {
      System.out.println(Json.write(o));
    } else {
      System.out.printf(Locale.ROOT,
          "queue %d x %d, batch %d, %s (%s): kernel %.3f ms, mining %.3f ms, ratio %.2f, %.0f candidate pairs/ms (%.1fx PML CrossBatchMemory(8192)+BatchHardMiner at 91 ms)%n",
          queue, dim, batch, miner, Similarities.backend(), kernel.median(), mining.median(),
          mining.median() / kernel.median(), perMs, perMs / pmlPerMs);
    }
    return 0;
  }
}
