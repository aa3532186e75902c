package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Triplets;
import dev.negmine.index.dynamic.DynamicIndex;
import dev.negmine.index.dynamic.SgTree;
import dev.negmine.train.loss.Losses;
import dev.negmine.train.sampling.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The dynamic tree index (Monath et al., AISTATS 2023) as a negative source: a {@link DynamicIndex} over every
 * training item's embedding, kept current by Nyström drift estimation from landmark items
 * re-embedded with the current model, and sampled from the softmax {@code exp(<q, y>/tau)} over all
 * items with each draw's proposal log-probability.
 *
 * <p>Queries are the anchors themselves: an anchor is a training item, so its query vector is the
 * index's current estimate of its own embedding (no extra forward pass). Draws with the anchor's
 * label (the anchor itself included, always the likeliest) are dropped, not replaced, and counted.
 *
 * <p>Encoder cost: one full embedding of the training items when the index is built (the first
 * step, and again after a resume), {@code landmarks} items every {@code refreshEvery} steps, and
 * all items every {@code fullEvery} steps (0 = never); all counted in {@link #stats}. The index is
 * not checkpointed: a resumed run rebuilds it from the restored model, so resume with this source
 * is not bit-exact. Training-thread only.
 */
public final class DynamicSource {
  private static final long STREAM_DRAW = 21;

  /**
   * @param landmarks items re-embedded per refresh (capped at items - 1)
   * @param window refreshes whose landmarks the drift map is fitted to
   * @param refreshEvery steps between landmark refreshes
   * @param fullEvery steps between full re-embeddings (0 = never)
   * @param temperature softmax temperature of the sampler (the InfoNCE temperature)
   * @param infoNce the loss is InfoNCE with a log-Q correction over the batch and the draws
   *     (the mix must then be {@code dynamic=1}); otherwise draws serve the mixer's triplet terms
   */
  public record Config(int landmarks, int window, int refreshEvery, int fullEvery, double temperature, boolean infoNce) {
    public Config {
      if (landmarks < 2 || window < 1 || refreshEvery < 1 || fullEvery < 0) {
        throw new IllegalArgumentException("dynamic source needs landmarks >= 2, window >= 1, refresh every >= 1 step and"
            + " full re-embedding every >= 0 steps, got " + landmarks + ", " + window + ", " + refreshEvery + ", " + fullEvery);
      }
      if (!(temperature > 0) || !Double.isFinite(temperature)) {
        throw new IllegalArgumentException("dynamic source temperature must be > 0, got " + temperature);
      }
    }

    /** 256 landmarks every step, a 4-refresh window, no full re-embedding. */
    public static Config defaults(double temperature, boolean infoNce) {
      return new Config(256, 4, 1, 0, temperature, infoNce);
    }
  }

  /** One step's draws: per anchor, rows into the step's embeddings ({@code < b}: a batch row). */
  static final class Draws {
    final int[][] rows;
    final int[] planned;
    final double[] logZ;

    Draws(int[][] rows, int[] planned, double[] logZ) {
      this.rows = rows;
      this.planned = planned;
      this.logZ = logZ;
    }
  }

  private final Config cfg;
  private final FloatMatrix trainX;
  private final long[] labels;
  private final long seed;
  private final UnaryOperator<FloatMatrix> embed;
  private DynamicIndex index;
  private long lastRefreshStep = -1;
  private long encodedRows;
  private long drawn;
  private long sameLabel;
  private long proposals;
  private long accepted;
  private double lastResidual = Double.NaN;

  /**
   * @param trainX preprocessed training features (row = item)
   * @param embed embeds preprocessed features with the current model, without gradients
   */
  DynamicSource(Config cfg, FloatMatrix trainX, long[] labels, long seed, UnaryOperator<FloatMatrix> embed) {
    if (trainX.rows() < 3) {
      throw new IllegalArgumentException("the dynamic source needs at least 3 training items, got " + trainX.rows());
    }
    this.cfg = cfg;
    this.trainX = trainX;
    this.labels = labels;
    this.seed = seed;
    this.embed = embed;
  }

  Config config() {
    return cfg;
  }

  /** The index (null before the first draw). */
  DynamicIndex index() {
    return index;
  }

  /**
   * Refreshes the index as the schedule asks, then draws {@code want[a]} negatives for anchor
   * {@code a} (training row {@code rows[a]}); kept draws are mapped to rows of the step's
   * embeddings: batch rows stay batch rows, others get an extra row through {@code extra}
   * (training row -> index among the extra rows, insertion-ordered).
   */
  Draws draw(int[] rows, int[] want, long step, Map<Integer, Integer> extra) {
    refresh(step);
    int b = rows.length;
    int k = 0;
    for (int w : want) {
      k = Math.max(k, w);
    }
    int[][] out = new int[b][];
    double[] logZ = new double[b];
    if (k == 0) {
      return new Draws(out, want.clone(), logZ);
    }
    Map<Integer, Integer> batchRow = new java.util.HashMap<>();
    for (int i = 0; i < b; i++) {
      batchRow.putIfAbsent(rows[i], i);
    }
    FloatMatrix v = index.vectors();
    FloatMatrix q = v.gather(rows);
    DynamicIndex.Negatives neg = index.sample(q, k, Seeds.derive(seed, STREAM_DRAW, step));
    // exact log Z per anchor (one B x N pass over the estimates): the sampler's own estimate from a
    // step's few trials is several per cent off, which would bias the log-Q correction (the
    // mixer's triplet terms need no log Z)
    FloatMatrix sc = cfg.infoNce() ? Similarities.matrix(q, v, Distance.DOT) : FloatMatrix.zeros(0, 0);
    for (int a = 0; a < sc.rows(); a++) {
      double max = Double.NEGATIVE_INFINITY;
      int off = a * sc.cols();
      for (int y = 0; y < sc.cols(); y++) {
        max = Math.max(max, sc.data()[off + y] / cfg.temperature());
      }
      double z = 0;
      for (int y = 0; y < sc.cols(); y++) {
        z += Math.exp(sc.data()[off + y] / cfg.temperature() - max);
      }
      logZ[a] = max + Math.log(z);
    }
    proposals += neg.proposals();
    accepted += neg.accepted();
    for (int a = 0; a < b; a++) {
      int[] got = new int[want[a]];
      int n = 0;
      for (int j = 0; j < want[a]; j++) {
        int y = neg.ids()[a * k + j];
        drawn++;
        if (labels[y] == labels[rows[a]]) {
          sameLabel++;
          continue;
        }
        Integer br = batchRow.get(y);
        got[n++] = br != null ? br : b + extra.computeIfAbsent(y, key -> extra.size());
      }
      out[a] = java.util.Arrays.copyOf(got, n);
    }
    return new Draws(out, want.clone(), logZ);
  }

  /**
   * InfoNCE over the batch and the drawn rows, every non-positive row a shared negative of every
   * anchor, with the log-Q correction {@code log c_j}: {@code c_j} is row j's expected count among
   * the step's candidates, {@code B/N} (the batch sampler's rate, taken as uniform) plus the sum
   * over anchors of {@code k_a Q_a(j)} (the tree's proposal at the index's current estimates).
   * Each anchor's positive is its first other batch row with the same label; anchors without one
   * are left out.
   *
   * @param all (B + K) x d embeddings on the graph: the batch, then the extra rows
   * @param rowItems training row of every row of {@code all}
   */
  NDArray infoNceLoss(NDArray all, int b, int[] rowItems, Draws draws) {
    int n = rowItems.length;
    long[] rowLabels = new long[n];
    for (int j = 0; j < n; j++) {
      rowLabels[j] = labels[rowItems[j]];
    }
    int[] anc = new int[b];
    int[] pos = new int[b];
    int t = 0;
    for (int a = 0; a < b; a++) {
      for (int p = 0; p < b; p++) {
        if (p != a && rowItems[p] != rowItems[a] && rowLabels[p] == rowLabels[a]) {
          anc[t] = a;
          pos[t] = p;
          t++;
          break;
        }
      }
    }
    float[] logQ = logQ(b, rowItems, draws);
    Triplets tuples = Triplets.of(java.util.Arrays.copyOf(anc, t), java.util.Arrays.copyOf(pos, t), new int[t]);
    return Losses.infoNce(cfg.temperature(), false, logQ).compute(all, rowLabels, tuples);
  }

  /**
   * {@code log c_j} for every row: {@code c_j = B/N + sum_a k_a exp(<v_a, v_j>/tau - log Z_a)} over
   * the index's current estimates {@code v} (see {@link #infoNceLoss}).
   */
  float[] logQ(int b, int[] rowItems, Draws draws) {
    FloatMatrix v = index.vectors();
    double base = (double) b / trainX.rows();
    float[] out = new float[rowItems.length];
    double invTau = 1.0 / cfg.temperature();
    for (int j = 0; j < rowItems.length; j++) {
      double c = base;
      for (int a = 0; a < b; a++) {
        if (draws.planned[a] > 0) {
          c += draws.planned[a] * Math.exp(dot(v, rowItems[a], rowItems[j]) * invTau - draws.logZ[a]);
        }
      }
      out[j] = (float) Math.log(c);
    }
    return out;
  }

  /** Cumulative figures for the step's metrics line. */
  Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("drawn", drawn);
    m.put("same_label_dropped_fraction", drawn == 0 ? 0.0 : (double) sameLabel / drawn);
    m.put("acceptance_rate", proposals == 0 ? 1.0 : (double) accepted / proposals);
    m.put("encoded_rows", encodedRows);
    if (!Double.isNaN(lastResidual)) {
      m.put("landmark_residual", lastResidual);
    }
    m.put("floats_per_refresh", index == null ? 0 : index.floatsPerRefresh());
    return m;
  }

  private void refresh(long step) {
    DynamicIndex.TargetEncoder enc = ids -> embed.apply(trainX.gather(ids));
    if (index == null) {
      FloatMatrix e = embed.apply(trainX);
      encodedRows += e.rows();
      index = DynamicIndex.builder(e).metric(SgTree.Metric.COSINE).tau(cfg.temperature())
          .landmarks(Math.min(cfg.landmarks(), trainX.rows() - 1)).landmarkWindow(cfg.window())
          .driftMap(true, 1e-6).seed(seed).build();
      lastRefreshStep = step;
      return;
    }
    if (step == lastRefreshStep) {
      return;
    }
    if (cfg.fullEvery() > 0 && step % cfg.fullEvery() == 0) {
      index.fullReencode(enc);
      encodedRows += trainX.rows();
      lastRefreshStep = step;
    } else if (step % cfg.refreshEvery() == 0) {
      DynamicIndex.RefreshStats r = index.refreshLandmarks(enc);
      encodedRows += r.landmarks();
      lastResidual = r.landmarkResidual();
      lastRefreshStep = step;
    }
  }

  private static double dot(FloatMatrix v, int i, int j) {
    float[] d = v.data();
    int oi = v.offset(i);
    int oj = v.offset(j);
    double s = 0;
    for (int c = 0; c < v.cols(); c++) {
      s += d[oi + c] * d[oj + c];
    }
    return s;
  }
}
