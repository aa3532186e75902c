package dev.negmine.bench;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every miner preset on seeded L2-normalised random embeddings, batch B with B/16 classes of 16
 * (64 x 16 at B = 1024, the PEERS.md setting). {@code withSimilarity} times what the trainer pays
 * per step (score matrix + selection + output arrays); {@code selectionOnly} reuses a precomputed
 * score matrix. Presets whose uncapped output grows as B³ (the all-rows band presets and
 * multi-similarity's triplets) are capped at 10M rows at B = 4096, where they would otherwise emit
 * hundreds of millions; elsewhere nothing is capped.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar
 * MinerBenchmark -p batch=1024 -p dim=128 -p preset=batch-hard,semihard-band}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class MinerBenchmark {
  private static final Set<String> CUBIC = Set.of("semihard-band", "hard-band", "all-band", "easy-band", "multi-similarity");
  private static final long LARGE_CAP = 10_000_000L;

  @Param({"256", "1024", "4096"})
  public int batch;

  @Param({"128", "768"})
  public int dim;

  @Param({"batch-hard", "cos-batch-hard", "semihard-band", "hard-band", "all-band", "easy-band", "semihard-tf",
      "easy-positive", "topk-hard", "distance-weighted", "multi-similarity"})
  public String preset;

  private FloatMatrix emb;
  private long[] labels;
  private Miner miner;
  private MiningBatch scored;

  @Setup
  public void setup() {
    emb = BenchData.normalised(batch, dim, 42L);
    labels = BenchData.balancedLabels(batch, Math.max(1, batch / 16));
    long cap = batch >= 4096 && CUBIC.contains(preset) ? LARGE_CAP : 0;
    miner = Miners.create(preset, MinerConfig.builder().seed(7L).maxTriplets(cap).build());
    scored = MiningBatch.self(emb, labels, null, miner.config());
  }

  @Benchmark
  public Triplets withSimilarity() {
    return miner.mine(emb, labels, null);
  }

  @Benchmark
  public Triplets selectionOnly() {
    return miner.mine(scored, 0L);
  }
}
