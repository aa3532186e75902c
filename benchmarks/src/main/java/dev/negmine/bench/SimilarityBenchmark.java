package dev.negmine.bench;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
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
 * B x B similarity matrices of L2-normalised random embeddings (seeded). GFLOP/s is counted as
 * 2·B·B·d / time for every variant, including the self matrices that compute one triangle only.
 * Run with e.g. {@code -p batch=1024 -p dim=128 SimilarityBenchmark.self}; {@code -Dnegmine.vector=scalar}
 * in {@code -jvmArgsAppend} compares the scalar backend.
 */
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
  private FloatMatrix other;
  private FloatMatrix out;

  @Setup
  public void setup() {
    emb = BenchData.normalised(batch, dim, 42L);
    other = BenchData.normalised(batch, dim, 43L);
    out = FloatMatrix.zeros(batch, batch);
  }

  /** The public allocating call: includes zeroing a fresh B x B result. */
  @Benchmark
  public FloatMatrix selfL2() {
    return Similarities.selfMatrix(emb, Distance.L2);
  }

  /** Into a reused buffer, as a training loop would call it. */
  @Benchmark
  public FloatMatrix selfL2Into() {
    Similarities.selfMatrix(emb, Distance.L2, out);
    return out;
  }

  @Benchmark
  public FloatMatrix selfDotInto() {
    Similarities.selfMatrix(emb, Distance.DOT, out);
    return out;
  }

  /** Two different matrices: no symmetry to exploit. */
  @Benchmark
  public FloatMatrix crossL2Into() {
    Similarities.matrix(emb, other, Distance.L2, out);
    return out;
  }

  /** Top-10 of Q queries over a 100k reference set, streamed without the Q x 100k matrix. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
  public static class TopKSearch {
    @Param({"64", "1024"})
    public int queries;

    @Param({"128"})
    public int dim;

    @Param({"100000"})
    public int refs;

    private FloatMatrix q;
    private FloatMatrix ref;

    @Setup
    public void setup() {
      q = BenchData.normalised(queries, dim, 7L);
      ref = BenchData.normalised(refs, dim, 8L);
    }

    @Benchmark
    public TopK cosineTop10() {
      return Similarities.topK(q, ref, Distance.COSINE, 10);
    }
  }
}
