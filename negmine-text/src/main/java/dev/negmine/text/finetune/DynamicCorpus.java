package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.index.dynamic.DynamicIndex;
import dev.negmine.index.dynamic.SgTree;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The dynamic tree index (Monath et al., AISTATS 2023) over a retrieval corpus, as a source of a
 * fine-tuning step's hard negatives: every document's current embedding is estimated from the
 * embedding of the last full pass moved through the Nyström drift map that {@code landmarks}
 * documents, re-embedded with the current weights every step, fit; a query's negatives are drawn
 * from the softmax {@code exp(<q, d>/tau)} over those estimates (the loss's temperature), its judged
 * positives and draws that break the run's mining rule (score bounds, margins against the
 * positive's estimated score) left out, so the false-negative control is the static pool's.
 *
 * <p>Encoder budget: {@code landmarks} documents per step (the knob; {@link #encodedDocuments}),
 * plus the step's queries, embedded once more without the graph to draw with. A static pool
 * refreshed every R steps spends the corpus size per R steps, so {@code landmarks = N / R} is the
 * equal budget. The index is not checkpointed: a resumed run rebuilds it from the restored weights
 * with one full pass (not bit-exact across a resume). Training-thread only.
 */
final class DynamicCorpus {
  /** Refreshes whose landmarks the drift map is fitted to (Monath et al. keep a few). */
  static final int WINDOW = 4;
  /** Draws per wanted negative: the softmax at the loss's temperature draws the positive itself often. */
  static final int OVERDRAW = 4;
  /** Relative ridge of the drift map: a few hundred landmarks against 385 affine parameters. */
  static final double RIDGE = 1e-4;

  private final DynamicIndex index;
  private final TrainingQueries queries;
  private final MiningRule rule;
  private final int landmarks;
  private final long seed;
  private long encoded;
  private long refreshedAt;
  private double lastResidual = Double.NaN;
  private long drawn;
  private long kept;

  /**
   * @param docs every document's embedding by the current weights (unit rows), in corpus order
   * @param landmarks documents re-embedded per step (capped at the corpus size - 1)
   * @param temperature the softmax temperature of the draws (the loss's, 1 / scale)
   * @param builtAt the step (0-based) whose weights embedded {@code docs}: that step needs no refresh
   */
  DynamicCorpus(FloatMatrix docs, TrainingQueries queries, MiningRule rule, int landmarks, double temperature, long seed,
      long builtAt) {
    if (docs.rows() < 3) {
      throw new IllegalArgumentException("the dynamic index needs at least 3 documents, got " + docs.rows());
    }
    this.queries = queries;
    this.rule = rule;
    this.landmarks = Math.max(2, Math.min(landmarks, docs.rows() - 1));
    this.seed = seed;
    this.refreshedAt = builtAt;
    this.index = DynamicIndex.builder(docs).metric(SgTree.Metric.COSINE).tau(temperature).landmarks(this.landmarks)
        .landmarkWindow(WINDOW).driftMap(true, RIDGE).seed(seed).build();
  }

  /**
   * Before step {@code step} (0-based; once per step, none at the step the full pass was taken): re-embeds
   * this step's landmarks with {@code embedDocs} (corpus rows to unit embeddings) and moves every
   * estimate through the refitted drift map.
   */
  void refresh(long step, Function<int[], FloatMatrix> embedDocs) {
    if (step == refreshedAt) {
      return;
    }
    DynamicIndex.RefreshStats r = index.refreshLandmarks(embedDocs::apply);
    encoded += r.landmarks();
    lastResidual = r.landmarkResidual();
    refreshedAt = step;
  }

  /**
   * Up to {@code want} negatives for each query: query {@code i} is training query {@code qs[i]}
   * with unit embedding row {@code i} of {@code q}. Draws come from the seeded stream of {@code
   * step}; duplicates, judged positives and draws outside the mining rule are skipped, so a query
   * may get fewer (the caller tops up).
   */
  int[][] draw(int[] qs, FloatMatrix q, int want, long step) {
    int[][] out = new int[qs.length][];
    if (want == 0) {
      for (int i = 0; i < qs.length; i++) {
        out[i] = new int[0];
      }
      return out;
    }
    int k = want * OVERDRAW;
    DynamicIndex.Negatives neg = index.sample(q, k, seed * 0x9E3779B97F4A7C15L + step);
    FloatMatrix est = index.vectors();
    for (int i = 0; i < qs.length; i++) {
      float[] qi = q.row(i);
      double pos = Double.POSITIVE_INFINITY; // margins from the least similar positive, as the miner measures them
      for (int p : queries.positives()[qs[i]]) {
        pos = Math.min(pos, dot(qi, est, p));
      }
      List<Integer> got = new ArrayList<>(want);
      for (int j = 0; j < k && got.size() < want; j++) {
        int d = neg.ids()[i * k + j];
        drawn++;
        if (got.contains(d) || queries.isPositive(qs[i], d) || !rule.admits(dot(qi, est, d), pos)) {
          continue;
        }
        got.add(d);
      }
      kept += got.size();
      out[i] = got.stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** Documents re-embedded for the index since it was built (the full pass that built it not counted). */
  long encodedDocuments() {
    return encoded;
  }

  /** The last refresh's relative residual of the drift map on its landmarks (NaN before the first). */
  double lastResidual() {
    return lastResidual;
  }

  /** Share of draws kept as negatives (the rest: positives, repeats, outside the rule). */
  double keptFraction() {
    return drawn == 0 ? 1.0 : (double) kept / drawn;
  }

  int landmarks() {
    return landmarks;
  }

  /** The estimated current embeddings (a view: do not modify). */
  FloatMatrix estimates() {
    return index.vectors();
  }

  private static double dot(float[] q, FloatMatrix m, int row) {
    float[] d = m.data();
    int o = m.offset(row);
    double s = 0;
    for (int c = 0; c < q.length; c++) {
      s += q[c] * d[o + c];
    }
    return s;
  }
}
