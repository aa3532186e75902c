package dev.negmine.mpi;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.core.distributed.Collectives;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.queue.QueueView;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.Trainer;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.negatives.SourcesConfig;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The program the multi-process tests start under mpirun (one JVM per rank). {@code collectives
 * OUT}: checks every collective against values each rank can compute itself and writes
 * {@code OUT/rank-R.ok}. {@code train OUT CONFIG STEPS}: trains STEPS distributed steps and writes
 * each rank's weights, losses, queue checksum and candidate-set check to {@code OUT/rank-R.bin}.
 * Any failed check ends the rank with an exception (mpirun then ends the job non-zero).
 */
public final class MpiHarness {
  private MpiHarness() {}

  public static void main(String[] args) throws Exception {
    try (Collective c = Collectives.open(Duration.ofSeconds(120))) {
      switch (args[0]) {
        case "collectives" -> collectives(c, Path.of(args[1]));
        case "train" -> train(c, Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  static void collectives(Collective c, Path out) throws IOException {
    int r = c.rank();
    int w = c.worldSize();
    // uneven all-gather: rank k contributes k + 1 values k * 100 + j
    float[] mine = new float[r + 1];
    for (int j = 0; j <= r; j++) {
      mine[j] = r * 100 + j;
    }
    float[] all = c.allGather(mine);
    int[] counts = new int[w];
    for (int k = 0; k < w; k++) {
      counts[k] = k + 1;
    }
    check(Arrays.equals(all, c.allGather(mine, counts)), "allGather with known counts");
    int at = 0;
    for (int k = 0; k < w; k++) {
      for (int j = 0; j <= k; j++) {
        check(all[at++] == k * 100 + j, "allGather(float) order at rank " + k + " item " + j);
      }
    }
    check(at == all.length, "allGather(float) length " + all.length);
    long[] ids = c.allGather(new long[] {Long.MAX_VALUE - r, r});
    for (int k = 0; k < w; k++) {
      check(ids[2 * k] == Long.MAX_VALUE - k && ids[2 * k + 1] == k, "allGather(long) rank " + k);
    }
    long[] none = c.allGather(r == 0 ? new long[0] : new long[] {r});
    check(none.length == w - 1, "allGather with an empty part");
    float[] sum = new float[100_000];
    Arrays.fill(sum, r + 1);
    c.allReduceSum(sum);
    float expect = w * (w + 1) / 2f;
    for (float v : sum) {
      check(v == expect, "allReduceSum(float) " + v + " != " + expect);
    }
    double[] ds = {r, 1e-3 * r};
    c.allReduceSum(ds);
    check(ds[0] == w * (w - 1) / 2.0, "allReduceSum(double)");
    float[] b = new float[3];
    if (r == w - 1) {
      b = new float[] {1, 2, 3};
    }
    c.broadcast(b, w - 1);
    check(Arrays.equals(b, new float[] {1, 2, 3}), "broadcast(float) from the last rank");
    byte[] bytes = new byte[] {(byte) r};
    c.broadcast(bytes, 0);
    check(bytes[0] == 0, "broadcast(byte)");
    c.barrier();
    String error = "";
    try {
      c.broadcast(new float[1], w + 5);
      error = "no exception";
    } catch (CollectiveException e) {
      error = e.getMessage();
    }
    check(c.stats().calls() > 0 && (w == 1 || c.stats().bytes() > 0), "stats count calls and bytes: " + c.stats());
    Files.writeString(out.resolve("rank-" + r + ".ok"), "world " + w + "\nerror " + error + "\n");
  }

  /** Gaussian blobs, deterministic: every rank builds the same data. */
  static LabeledData blobs(int classes, int perClass, int dim, long seed) {
    Random rnd = new Random(seed);
    double[][] centres = new double[classes][dim];
    for (double[] c : centres) {
      for (int k = 0; k < dim; k++) {
        c[k] = rnd.nextGaussian();
      }
    }
    int n = classes * perClass;
    float[] x = new float[n * dim];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      for (int k = 0; k < dim; k++) {
        x[i * dim + k] = (float) (centres[(int) y[i]][k] + 1.2 * rnd.nextGaussian());
      }
    }
    return new LabeledData(FloatMatrix.of(n, dim, x), y, 0, "blobs");
  }

  /** {@code plain}: semi-hard triplets on the batch; {@code queue}: half in-batch, half a 640-row queue. */
  static TrainConfig config(String name) {
    EncoderSpec spec = new EncoderSpec(EncoderSpec.Kind.MLP, 24, 0, new int[] {48}, 16);
    SourcesConfig sources = switch (name) {
      case "plain" -> null;
      case "queue" -> SourcesConfig.builder().mix("in-batch=0.5,queue=0.5").slots(4).queue(640).queueWarmup(320).build();
      case "all" -> null;
      default -> throw new IllegalArgumentException(name);
    };
    String recipe = name.equals("all") ? "all-triplets" : "semi-hard";
    return TrainConfig.builder().encoder(spec)
        .curriculum(Recipes.curriculum(recipe, 20, 160, name.equals("all") ? 100 : 0.2, null)).loss("triplet")
        .reduction(Reduction.ACTIVE_MEAN).temperature(0.05).learningRate(0.003).mPerClass(16).seed(7).sources(sources).build();
  }

  static LabeledData data() {
    return blobs(10, 100, 24, 3);
  }

  static void train(Collective c, Path out, String name, int steps, int shards) throws IOException {
    Result r = run(c, name, steps, shards);
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(out.resolve("rank-" + c.rank() + ".bin")))) {
      write(o, r.weights(), r.losses(), r.queueChecksum(), r.candidatesOk());
    }
  }

  /** What a run ended with. */
  record Result(float[] weights, float[] losses, long queueChecksum, boolean candidatesOk) {}

  /** {@code steps} steps of config {@code name}; {@code c} null: the plain single-process trainer. */
  static Result run(Collective c, String name, int steps, int shards) {
    try (Trainer t = new Trainer(config(name), data(), null, Miners::create)) {
      if (c != null) {
        t.distribute(c, shards);
      }
      float[] losses = new float[steps];
      boolean candidatesOk = true;
      for (int s = 0; s < steps; s++) {
        losses[s] = (float) t.trainStep().loss();
        if (name.equals("all")) {
          candidatesOk &= candidatesAreTheGlobalBatch(t.lastGlobalBatch());
        }
      }
      return new Result(t.flatWeights(), losses, queueChecksum(t), candidatesOk);
    }
  }

  static void write(DataOutputStream o, float[] w, float[] losses, long queueChecksum, boolean candidatesOk) throws IOException {
    o.writeInt(w.length);
    for (float v : w) {
      o.writeFloat(v);
    }
    o.writeInt(losses.length);
    for (float v : losses) {
      o.writeFloat(v);
    }
    o.writeLong(queueChecksum);
    o.writeBoolean(candidatesOk);
  }

  /** Order-sensitive hash of the queue's rows, labels, ids and steps (0 without a queue). */
  static long queueChecksum(Trainer t) {
    if (t.sources() == null || t.sources().queue() == null) {
      return 0;
    }
    QueueView v = t.sources().queue().view();
    long h = 17;
    for (float f : v.embeddings().data()) {
      h = 31 * h + Float.floatToIntBits(f);
    }
    for (int i = 0; i < v.size(); i++) {
      h = 31 * h + v.labels()[i];
      h = 31 * h + v.ids()[i];
    }
    return 31 * h + v.size();
  }

  /**
   * With a margin no triplet exceeds, batch-all mines every (a, p, n): each anchor's positives and
   * negatives together must be the whole gathered batch minus the anchor itself.
   */
  static boolean candidatesAreTheGlobalBatch(Trainer.GlobalBatch g) {
    int b = g.ids().length;
    @SuppressWarnings("unchecked")
    Set<Integer>[] seen = new Set[b];
    for (int i = 0; i < b; i++) {
      seen[i] = new HashSet<>();
    }
    for (int r = 0; r < g.mined().size(); r++) {
      seen[g.mined().anchor(r)].add(g.mined().positive(r));
      seen[g.mined().anchor(r)].add(g.mined().negative(r));
    }
    for (int a = 0; a < b; a++) {
      if (seen[a].size() != b - 1 || seen[a].contains(a)) {
        return false;
      }
    }
    return true;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("check failed: " + what);
    }
  }
}
