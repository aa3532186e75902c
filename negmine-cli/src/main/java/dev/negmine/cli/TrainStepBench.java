package dev.negmine.cli;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.queue.MemoryQueue;
import dev.negmine.train.Trainer;
import dev.negmine.train.spec.RunSpec;
import dev.negmine.train.spec.Runs;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench train-step}: what a memory queue costs a training step. Three steps on the
 * bundled data, timed in alternation: the plain recipe step, the step with the mixer's in-batch
 * source only, and the step with a full queue of Q rows (cross-batch memory, {@code --queue Q}),
 * next to the queue mining alone ({@link MemoryQueue#mine}, as {@code bench queue} times it) at the
 * step's batch, dimension and queue size. The figure of merit is
 * {@code queue step / (in-batch step + queue mining)}: 1.0 means the step adds nothing to the
 * kernel it runs.
 */
@Command(name = "train-step", mixinStandardHelpOptions = true,
    description = "Median step time with and without a full memory queue, and the queue mining alone; ratio = queue step / (step without queue + mining).")
final class TrainStepBench implements Callable<Integer> {
  @Option(names = "--queue", defaultValue = "65536", description = "Queue rows Q (default ${DEFAULT-VALUE}).")
  int queue;
  @Option(names = "--batch", defaultValue = "160", description = "Batch size (default ${DEFAULT-VALUE}, train's).")
  int batch;
  @Option(names = "--encoder", defaultValue = "cnn", description = "mlp or cnn (default ${DEFAULT-VALUE}).")
  String encoder;
  @Option(names = "--min-time", defaultValue = "3", description = "Seconds of measurement per case (default ${DEFAULT-VALUE}).")
  double minTime;
  @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (queue < 1 || queue > (1 << 20) || batch < 2 || !(minTime > 0)) {
      throw new UserInputException("need 1 <= --queue <= 1048576, --batch >= 2, --min-time > 0; got queue=" + queue
          + " batch=" + batch + " min-time=" + minTime);
    }
    RunSpec plain = RunSpec.builder().encoder(encoder).batch(batch).epochs(1000).seed(seed).build();
    RunSpec inBatch = plain.toBuilder().mix("in-batch=1").build();
    RunSpec queued = plain.toBuilder().queue(queue).queueWarmup(0).build();
    Runs.Job job = Runs.prepare(plain);
    int dim = job.config().encoder().embeddingSize();
    try (Trainer a = trainer(plain); Trainer b = trainer(inBatch); Trainer c = trainer(queued)) {
      fill(c.sources().queue(), job.train().labels(), dim);
      MemoryQueue alone = MemoryQueue.builder(queue, dim).normalize(false).build();
      fill(alone, job.train().labels(), dim);
      FloatMatrix emb = BenchTiming.randomUnit(batch, dim, seed + 2);
      long[] labels = java.util.Arrays.copyOf(job.train().labels(), batch);
      long[] ids = new long[batch];
      for (int i = 0; i < batch; i++) {
        ids[i] = i;
      }
      Miner hardest = Miners.create("batch-hard", MinerConfig.builder().normalize(false).build());
      double cpu0 = BenchTiming.processCpuSeconds();
      double[][] m = BenchTiming.measureAlternating(minTime, a::trainStep, b::trainStep, c::trainStep,
          () -> alone.mine(hardest, emb, labels, ids, 1));
      double ratio = m[2][0] / (m[1][0] + m[3][0]);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("encoder", encoder);
      o.put("batch", batch);
      o.put("dim", dim);
      o.put("queue", queue);
      o.put("step_plain_ms", BenchTiming.round(m[0][0]));
      o.put("step_in_batch_source_ms", BenchTiming.round(m[1][0]));
      o.put("step_queue_ms", BenchTiming.round(m[2][0]));
      o.put("queue_mining_ms", BenchTiming.round(m[3][0]));
      o.put("runs", (int) m[0][2]);
      o.put("ratio", BenchTiming.round(ratio));
      o.put("bound", 1.2);
      o.put("cpu_seconds", BenchTiming.round(BenchTiming.processCpuSeconds() - cpu0));
      o.put("load_average", BenchTiming.loadAverage());
      if (json) {
        System.out.println(dev.negmine.core.io.Json.write(o));
      } else {
        System.out.printf(Locale.ROOT, "%s, batch %d, d %d, queue %d: plain step %.1f ms, in-batch source step %.1f ms,"
            + " queue step %.1f ms, queue mining alone %.1f ms; ratio %.2f (bound 1.2), load %.1f%n", encoder, batch, dim,
            queue, m[0][0], m[1][0], m[2][0], m[3][0], ratio, BenchTiming.loadAverage());
      }
    }
    return 0;
  }

  private static Trainer trainer(RunSpec spec) throws java.io.IOException {
    Runs.Job job = Runs.prepare(spec);
    long[] ids = job.trainIds();
    return new Trainer(job.config(), job.train(), null, Runs.MINERS,
        Trainer.Environment.withoutPoolDir(ids, java.time.InstantSource.system()));
  }

  /** Fills {@code q} with seeded unit rows carrying the data's labels and ids no training item has. */
  private static void fill(MemoryQueue q, long[] dataLabels, int dim) {
    int n = q.capacity();
    long[] labels = new long[n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = dataLabels[i % dataLabels.length];
      ids[i] = -1 - i;
    }
    q.enqueue(BenchTiming.randomUnit(n, dim, 99), labels, ids, 0);
  }
}
