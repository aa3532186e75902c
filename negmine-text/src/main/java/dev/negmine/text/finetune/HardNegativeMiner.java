package dev.negmine.text.finetune;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Mines hard negatives of queries from a corpus with sentence-transformers' {@code
 * mine_hard_negatives} candidate selection ({@link MiningRule} holds its parameters), step for step:
 * <ol>
 *   <li>the corpus is de-duplicated by text ({@code textGroup}): each text is one candidate, the
 *       first row holding it stands for it;</li>
 *   <li>per query the {@code rangeMax + maxPositives} most similar texts form the window; its
 *       positives (by text) are removed, not counted as skipped;</li>
 *   <li>filters run over the window in this order, each counted: absolute margin ({@code s + m >
 *       p} removed), relative margin ({@code s > p - |p| * m}), {@code max_score}, {@code
 *       min_score}, where {@code p} is the query's <em>least</em> similar positive;</li>
 *   <li>survivors, most similar first, are cut to {@code rangeMax}, then the first {@code rangeMin}
 *       are skipped (so {@code rangeMin} counts surviving candidates, not raw ranks);</li>
 *   <li>{@code top} takes the first {@code count}; {@code random} a seeded uniform choice of
 *       {@code count} without replacement, re-sorted most similar first.</li>
 * </ol>
 * Scores are float32 dot products of unit rows (cosine), and the thresholds are computed in float32
 * as torch does, so ties at a threshold fall the same way. {@code min_score} skips are counted over
 * live candidates only (sentence-transformers also counts already removed ones and positives).
 * Stateless; the search runs on negmine-core's (or the index's) threads; deterministic for a seed
 * with exact search.
 */
public final class HardNegativeMiner {
  private HardNegativeMiner() {}

  /**
   * The chosen corpus rows only, by exact search, with the window allowing for each query's
   * positives (fine-tuning's call).
   *
   * @return per query, up to {@code rule.count()} corpus rows, most similar first
   */
  public static int[][] mine(FloatMatrix queries, FloatMatrix docs, int[][] positives, int[] textGroup, MiningRule rule,
      long seed) {
    int maxPositives = 0;
    for (int[] p : positives) {
      maxPositives = Math.max(maxPositives, p.length);
    }
    return select(queries, docs, positives, textGroup, maxPositives, rule, seed).negatives();
  }

  /** As {@link #select(FloatMatrix, FloatMatrix, int[][], int[], int, MiningRule, Function, long)} with exact search. */
  public static MinedNegatives select(FloatMatrix queries, FloatMatrix docs, int[][] positives, int[] textGroup,
      int maxPositives, MiningRule rule, long seed) {
    return select(queries, docs, positives, textGroup, maxPositives, rule, null, seed);
  }

  /**
   * @param queries query embeddings, unit rows
   * @param docs corpus embeddings, unit rows
   * @param positives per query, the corpus rows of its positives (at least one each)
   * @param textGroup per corpus row, an id shared by rows with identical texts
   * @param maxPositives the window's allowance for positives (sentence-transformers: the most
   *     (anchor, positive) rows any anchor has); at least the largest {@code positives[q].length}
   *     keeps every query's {@code rangeMax} non-positive candidates in reach
   * @param index builds the search index over the de-duplicated corpus rows (null: exact search)
   */
  public static MinedNegatives select(FloatMatrix queries, FloatMatrix docs, int[][] positives, int[] textGroup,
      int maxPositives, MiningRule rule, Function<FloatMatrix, VectorIndex> index, long seed) {
    if (queries.rows() != positives.length || docs.rows() != textGroup.length) {
      throw new IllegalArgumentException(queries.rows() + " queries, " + positives.length + " positive lists; "
          + docs.rows() + " documents, " + textGroup.length + " text groups");
    }
    // one representative row per text: what sentence-transformers' de-duplicated corpus holds
    int[] repOfGroup = new int[Arrays.stream(textGroup).max().orElse(-1) + 1];
    Arrays.fill(repOfGroup, -1);
    int[] reps = new int[docs.rows()];
    int n = 0;
    for (int d = 0; d < textGroup.length; d++) {
      if (repOfGroup[textGroup[d]] < 0) {
        repOfGroup[textGroup[d]] = d;
        reps[n++] = d;
      }
    }
    reps = Arrays.copyOf(reps, n);
    FloatMatrix corpus = docs.gather(reps);
    int window = rule.rangeMax() + maxPositives;
    int k = Math.min(window, n);
    TopK top = index == null ? Similarities.topK(queries, corpus, Distance.DOT, k) : index.apply(corpus).search(queries, k);
    Counter counter = new Counter((long) queries.rows() * window);
    int nq = queries.rows();
    int[][] outRows = new int[nq][];
    float[][] outScores = new float[nq][];
    float[][] posScores = new float[nq][];
    float[] cand = new float[k];
    int[] candRow = new int[k];
    boolean[] live = new boolean[k];
    for (int q = 0; q < nq; q++) {
      posScores[q] = new float[positives[q].length];
      float minPos = Float.POSITIVE_INFINITY;
      for (int j = 0; j < positives[q].length; j++) {
        posScores[q][j] = Similarities.score(queries, q, docs, positives[q][j], Distance.DOT);
        minPos = Math.min(minPos, posScores[q][j]);
      }
      int m = 0;
      for (int r = 0; r < top.k(); r++) {
        int c = top.index(q, r);
        if (c < 0) {
          break;
        }
        candRow[m] = reps[c];
        cand[m] = Similarities.score(queries, q, corpus, c, Distance.DOT);
        live[m] = !isPositive(textGroup, positives[q], reps[c]);
        m++;
      }
      sortByScore(cand, candRow, live, m);
      counter.apply(cand, live, m, minPos, rule);
      int[] survivors = new int[m];
      int s = 0;
      for (int i = 0; i < m && s < rule.rangeMax(); i++) {
        if (live[i]) {
          survivors[s++] = i;
        }
      }
      int from = Math.min(rule.rangeMin(), s);
      int[] chosen = choose(s - from, rule, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + q));
      outRows[q] = new int[chosen.length];
      outScores[q] = new float[chosen.length];
      for (int i = 0; i < chosen.length; i++) {
        int at = survivors[from + chosen[i]];
        outRows[q][i] = candRow[at];
        outScores[q][i] = cand[at];
      }
    }
    return new MinedNegatives(outRows, outScores, posScores, counter.skipped(rule), rule.rangeMax(), rule.count());
  }

  private static boolean isPositive(int[] textGroup, int[] positives, int row) {
    for (int p : positives) {
      if (textGroup[p] == textGroup[row]) {
        return true;
      }
    }
    return false;
  }

  /** Positions (0-based among the {@code available}) to take, increasing, i.e. most similar first. */
  static int[] choose(int available, MiningRule rule, SplittableRandom rnd) {
    int take = Math.min(rule.count(), available);
    int[] pos = new int[available];
    for (int i = 0; i < available; i++) {
      pos[i] = i;
    }
    if (rule.sampling().equals("random")) {
      // partial Fisher-Yates: a uniform choice without replacement
      for (int i = 0; i < take; i++) {
        int j = i + rnd.nextInt(available - i);
        int t = pos[i];
        pos[i] = pos[j];
        pos[j] = t;
      }
    }
    int[] out = Arrays.copyOf(pos, take);
    Arrays.sort(out);
    return out;
  }

  /** Re-scored candidates, most similar first; equal scores keep the index's order (insertion sort: windows are short). */
  private static void sortByScore(float[] s, int[] row, boolean[] live, int m) {
    for (int i = 1; i < m; i++) {
      float v = s[i];
      int r = row[i];
      boolean l = live[i];
      int j = i - 1;
      while (j >= 0 && s[j] < v) {
        s[j + 1] = s[j];
        row[j + 1] = row[j];
        live[j + 1] = live[j];
        j--;
      }
      s[j + 1] = v;
      row[j + 1] = r;
      live[j + 1] = l;
    }
  }

  /** The filters, applied in sentence-transformers' order, with its skip counts and ratios. */
  private static final class Counter {
    final long[] counts = new long[4];
    final long candidates;

    Counter(long candidates) {
      this.candidates = candidates;
    }

    void apply(float[] s, boolean[] live, int m, float pos, MiningRule rule) {
      float abs = (float) rule.absoluteMargin();
      float relThreshold = pos - Math.abs(pos) * (float) rule.relativeMargin();
      float max = (float) rule.maxScore();
      float min = (float) rule.minScore();
      for (int i = 0; i < m; i++) {
        if (!live[i]) {
          continue;
        }
        int f = !Double.isNaN(rule.absoluteMargin()) && s[i] + abs > pos ? 0
            : !Double.isNaN(rule.relativeMargin()) && s[i] > relThreshold ? 1
            : !Double.isNaN(rule.maxScore()) && s[i] > max ? 2
            : !Double.isNaN(rule.minScore()) && s[i] < min ? 3 : -1;
        if (f >= 0) {
          live[i] = false;
          counts[f]++;
        }
      }
    }

    /** Ratios as sentence-transformers computes them: each margin's skips leave the pool the next ratio is over; the score bounds do not. */
    Map<String, MinedNegatives.Skipped> skipped(MiningRule rule) {
      Map<String, MinedNegatives.Skipped> out = new LinkedHashMap<>();
      long pool = candidates;
      String[] names = {"absolute_margin", "relative_margin", "max_score", "min_score"};
      double[] values = {rule.absoluteMargin(), rule.relativeMargin(), rule.maxScore(), rule.minScore()};
      for (int f = 0; f < 4; f++) {
        if (counts[f] > 0) {
          out.put(names[f], new MinedNegatives.Skipped(counts[f], (double) counts[f] / pool, values[f]));
          if (f < 2) {
            pool -= counts[f];
          }
        }
      }
      return out;
    }
  }

  /** An exact or HNSW index builder for {@link #select}, by kind name. */
  public static Function<FloatMatrix, VectorIndex> index(String kind, dev.negmine.index.HnswParams params) {
    return switch (kind) {
      case "exact" -> null;
      case "hnsw" -> corpus -> VectorIndexes.hnsw(corpus, null, Distance.DOT, params);
      default -> throw new IllegalArgumentException("--index must be exact or hnsw, got '" + kind + "'");
    };
  }
}
