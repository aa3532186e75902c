package dev.negmine.bench;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
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

/** B x B similarity matrix of L2-normalised random embeddings (seeded). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SimilarityBenchmark {
  @Param({"256", "1024", "4096"})
  public int batch;

  @Param({"128", "768"})
  public int dim;

  private FloatMatrix emb;

  @Setup
  public void setup() {
    emb = BenchData.normalised(batch, dim, 42L);
  }

  @Benchmark
  public FloatMatrix selfL2() {
    return Similarities.selfMatrix(emb, Distance.L2);
  }

  @Benchmark
  public FloatMatrix selfDot() {
    return Similarities.selfMatrix(emb, Distance.DOT);
  }
}
