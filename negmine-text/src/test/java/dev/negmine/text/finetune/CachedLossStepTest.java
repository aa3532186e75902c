package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.Collectives;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.train.engine.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Gradient caching against the plain step on real MiniLM: one step of 8 queries with 1 hard
 * negative each (one judged positive masked), the trainable parameters' gradients compared by
 * ||cached - reference|| / ||reference||, parameter by parameter. With dropout off the cached
 * gradient is the uncached loss's for any mini-batch size and either loss form; with dropout on it
 * is that of the same mini-batches held in one graph with the same seeds (the re-forward draws the
 * masks of the first pass); two thread ranks with half the batch each give one rank's gradient.
 */
class CachedLossStepTest {
  static final double TOLERANCE = 1e-5;
  private static final String[][] TOPICS = {
      {"compiler", "A program that translates source code into machine code before it runs."},
      {"interpreter", "A program that executes source code statement by statement."},
      {"router", "A network device that forwards packets between networks."},
      {"switch", "A device that connects machines on one local network by their hardware addresses."},
      {"kernel", "The core of an operating system that manages memory, processes and devices."},
      {"shell", "A command language interpreter that gives users access to the operating system."},
      {"cache", "A small fast memory that keeps recently used data close to the processor."},
      {"compression", "Encoding data in fewer bits than the original representation."},
      {"encryption", "Encoding a message so that only authorised parties can read it."},
      {"database", "An organised collection of data with software to query and update it."},
      {"spreadsheet", "An application that arranges data in a grid of cells with formulas."},
      {"firewall", "A system that filters network traffic according to security rules."},
      {"debugger", "A tool that runs a program step by step to find its errors."},
      {"garbage collection", "Automatic reclamation of memory a program no longer uses."},
      {"hash table", "A data structure that maps keys to values through a hash function."},
      {"mutex", "A lock that lets one thread at a time enter a critical section."},
  };
  private static TransformerEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = TransformerEncoder.pretrained(FineTuneConfig.defaults("x").model());
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  /** Queries 0..7, their positives (columns 0..7), one negative each (columns 8..15); column 13 also counts as query 0's positive. */
  static StepBatch batch() {
    int b = 8;
    List<String> q = new ArrayList<>();
    List<String> d = new ArrayList<>();
    int[] rows = new int[2 * b];
    for (int i = 0; i < 2 * b; i++) {
      if (i < b) {
        q.add("what is a " + TOPICS[i][0]);
      }
      d.add(TOPICS[i][1]);
      rows[i] = i;
    }
    boolean[] masked = new boolean[b * 2 * b];
    masked[13] = true;
    return new StepBatch(q, d, rows, masked);
  }

  static FineTuneConfig config(int cacheBatch, boolean symmetric) {
    FineTuneConfig d = FineTuneConfig.defaults("x");
    return new FineTuneConfig(d.model(), "x", 8, 32, 1, d.schedule(), new FineTuneConfig.Loss(20, symmetric, cacheBatch),
        d.negatives());
  }

  /** Runs {@code step} from zeroed gradients: its loss and each trainable parameter's gradient (zeroed again after). */
  static Grads grads(TransformerEncoder e, LossStep step, StepBatch batch) {
    take(e);
    double loss = step.run(e, batch).loss();
    return new Grads(loss, take(e));
  }

  record Grads(double loss, float[][] g) {}

  private static float[][] take(TransformerEncoder e) {
    List<Parameter> ps = e.trainableParameters(false, 0);
    float[][] out = new float[ps.size()][];
    for (int i = 0; i < out.length; i++) {
      try (NDArray g = ps.get(i).getArray().getGradient()) {
        out[i] = g.toFloatArray();
      }
      // zero_() in place: a NaN left by one bad step must not poison the next test (NaN * 0 is NaN)
      JniUtils.zeroGrad((PtNDArray) ps.get(i).getArray());
    }
    return out;
  }

  /**
   * The largest ||a - ref|| / ||ref|| over the parameters. The attention key biases are left out:
   * their exact gradient is zero (adding {@code q . b} to every score of a query leaves its softmax
   * unchanged), so what the engine returns is round-off of about 1e-8 whose relative difference
   * means nothing; instead both must be below 1e-5 of the whole gradient's norm (1e-6 failed once for
   * the thread ranks when the test ran after other fine-tuning runs in one JVM: round-off varies there).
   */
  static double worst(Grads a, Grads ref) {
    return differences(a, ref).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Each parameter's ||a - ref|| / ||ref|| above {@code threshold}, by name: what a failure message shows. */
  static String above(Grads a, Grads ref, double threshold) {
    StringBuilder out = new StringBuilder();
    differences(a, ref).forEach((name, d) -> {
      if (d > threshold) {
        out.append(String.format(Locale.ROOT, " %s %.2e;", name, d));
      }
    });
    return out.toString();
  }

  private static java.util.Map<String, Double> differences(Grads a, Grads ref) {
    List<Parameter> ps = encoder.trainableParameters(false, 0);
    double total = 0;
    for (float[] g : ref.g()) {
      total += sumSq(g, null);
    }
    total = Math.sqrt(total);
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (int p = 0; p < ref.g().length; p++) {
      double norm = Math.sqrt(sumSq(ref.g()[p], null));
      if (ps.get(p).getName().endsWith("attention.self.key.bias")) {
        double other = Math.sqrt(sumSq(a.g()[p], null));
        assertTrue(norm <= 1e-5 * total && other <= 1e-5 * total,
            ps.get(p).getName() + " not ~0: " + norm + " and " + other + " of a gradient norm " + total);
        continue;
      }
      double diff = Math.sqrt(sumSq(a.g()[p], ref.g()[p]));
      out.put(ps.get(p).getName(), norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / norm);
    }
    return out;
  }

  /** Sum of squares of {@code a - b} ({@code b} null: of {@code a}), in double. */
  private static double sumSq(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      double x = b == null ? a[k] : a[k] - (double) b[k];
      s += x * x;
    }
    return s;
  }

  @ParameterizedTest(name = "mini-batch {0}, symmetric {1}")
  @CsvSource({"3, false", "3, true", "1, false", "64, false"})
  void dropoutOffCachedGradientIsTheUncachedOne(int miniBatch, boolean symmetric) {
    StepBatch batch = batch();
    FineTuneConfig c = config(miniBatch, symmetric);
    Grads direct = grads(encoder, new DirectLossStep(c, DropoutMode.OFF), batch);
    Grads cached = grads(encoder, new CachedLossStep(c, Collectives.local(), DropoutMode.OFF), batch);
    double w = worst(cached, direct);
    System.out.printf(Locale.ROOT, "mini-batch %d symmetric %b: loss %.6f vs %.6f, worst relative gradient difference %.2e%n",
        miniBatch, symmetric, cached.loss(), direct.loss(), w);
    assertEquals(direct.loss(), cached.loss(), TOLERANCE * Math.abs(direct.loss()));
    assertTrue(w <= TOLERANCE, "worst parameter's relative gradient difference " + w + ":" + above(cached, direct, TOLERANCE));
  }

  @Test
  void dropoutOnCachedGradientIsThatOfTheSameMiniBatchesInOneGraph() {
    StepBatch batch = batch();
    FineTuneConfig c = config(3, false);
    CachedLossStep step = new CachedLossStep(c, Collectives.local(), DropoutMode.ON);
    int seed = 1234;
    TorchRuntime.engine().setRandomSeed(seed);
    Grads cached = grads(encoder, step, batch);
    TorchRuntime.engine().setRandomSeed(seed);
    take(encoder);
    Grads oneGraph = new Grads(oneGraph(step, batch, c), take(encoder));
    double w = worst(cached, oneGraph);
    TorchRuntime.engine().setRandomSeed(seed);
    Grads direct = grads(encoder, new DirectLossStep(c, DropoutMode.ON), batch);
    Grads off = grads(encoder, new DirectLossStep(c, DropoutMode.OFF), batch);
    System.out.printf(Locale.ROOT, "dropout on: cached vs same mini-batches in one graph %.2e; vs the direct step's own draws %.2e;"
        + " direct with vs without dropout %.2e%n", w, worst(cached, direct), worst(direct, off));
    assertTrue(worst(direct, off) > 1e-3, "dropout changes the gradient (else this test proves nothing)");
    assertEquals(oneGraph.loss(), cached.loss(), TOLERANCE * Math.abs(oneGraph.loss()));
    assertTrue(w <= TOLERANCE, "worst parameter's relative gradient difference " + w + ":" + above(cached, oneGraph, TOLERANCE));
  }

  /**
   * The oracle: {@code step}'s own mini-batches and seeds, each forward kept in one graph, the
   * loss over their concatenation and one backward. Returns the loss.
   */
  private static double oneGraph(CachedLossStep step, StepBatch batch, FineTuneConfig c) {
    try (NDManager scope = encoder.manager().newSubManager();
        GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
      List<CachedLossStep.Piece> pieces = step.plan(encoder, batch, 0, 1, CachedLossStep.seedBase(scope));
      NDList q = new NDList();
      NDList d = new NDList();
      List<Integer> qOrder = new ArrayList<>();
      List<Integer> dOrder = new ArrayList<>();
      for (CachedLossStep.Piece p : pieces) {
        TorchRuntime.engine().setRandomSeed(p.seed());
        NDArray e = encoder.forward(scope, p.tokens(), true);
        (p.role() == Role.QUERY ? q : d).add(e);
        for (int r : p.rows()) {
          (p.role() == Role.QUERY ? qOrder : dOrder).add(r);
        }
      }
      NDArray qa = NDArrays.concat(q, 0).get(scope.create(inverse(qOrder)));
      NDArray da = NDArrays.concat(d, 0).get(scope.create(inverse(dOrder)));
      NDArray loss = RankingLoss.loss(scope, qa, da, batch.masked(), c.loss().scale(), c.loss().symmetric());
      gc.backward(loss);
      return loss.getFloat();
    }
  }

  private static long[] inverse(List<Integer> order) {
    long[] inv = new long[order.size()];
    for (int i = 0; i < inv.length; i++) {
      inv[order.get(i)] = i;
    }
    return inv;
  }

  @Test
  void aRunWithCacheBatchTakesCachedSteps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    FineTuneConfig d = FineTuningTest.config(2);
    FineTuneConfig c = new FineTuneConfig(d.model(), d.data(), d.batch(), d.maxLength(), d.seed(), d.schedule(),
        new FineTuneConfig.Loss(d.loss().scale(), false, 3), d.negatives());
    assertTrue(FineTuneRun.lossStep(c) instanceof CachedLossStep);
    assertTrue(FineTuneRun.lossStep(d) instanceof DirectLossStep);
    FineTuneSummary s = FineTuning.train(c, FineTuningTest.data(), dir, FineTuning.Options.fresh(), new FineTuneListener() {});
    assertEquals(2, s.steps());
    FineTuneHistory.steps(FineTuning.history(dir)).forEach(r -> assertTrue(Double.isFinite(r.loss()) && r.gradNorm() > 0, r.toJson()));
    assertEquals(3, FineTuning.readConfig(dir).loss().cacheBatch());
  }

  @Test
  void twoRanksWithHalfTheBatchEachGiveOneRanksGradient() throws Exception {
    StepBatch batch = batch();
    FineTuneConfig c = config(3, false);
    Grads one = grads(encoder, new DirectLossStep(c, DropoutMode.OFF), batch);
    List<Collective> group = ThreadCollective.group(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Grads>> ranks = new ArrayList<>();
      for (Collective rank : group) {
        ranks.add(pool.submit(() -> {
          try (TransformerEncoder own = TransformerEncoder.pretrained(c.model())) {
            return grads(own, new CachedLossStep(c, rank, DropoutMode.OFF), batch);
          }
        }));
      }
      for (int r = 0; r < ranks.size(); r++) {
        Grads g = ranks.get(r).get(10, TimeUnit.MINUTES);
        double w = worst(g, one);
        System.out.printf(Locale.ROOT, "rank %d of 2: loss %.6f vs %.6f, worst relative gradient difference %.2e%n", r, g.loss(),
            one.loss(), w);
        assertEquals(one.loss(), g.loss(), TOLERANCE * Math.abs(one.loss()));
        assertTrue(w <= TOLERANCE, "rank " + r + ": worst parameter's relative gradient difference " + w + ":" + above(g, one, TOLERANCE));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
