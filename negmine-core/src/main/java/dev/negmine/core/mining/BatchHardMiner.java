package dev.negmine.core.mining;

import dev.negmine.core.linalg.BlockVisitor;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;

/**
 * {@code batch-hard} and {@code cos-batch-hard}: per anchor the farthest positive and the closest
 * negative (PML BatchHardMiner); anchors lacking either are dropped. Ties go to the lowest index.
 *
 * <p>One pass over each anchor's score row, O(Q R) with no allocation per row: the trainer calls
 * this every step. Row order: anchor ascending, one row per kept anchor.
 */
final class BatchHardMiner implements Miner {
  private final String name;
  private final MinerConfig config;

  BatchHardMiner(String name, MinerConfig config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  /**
   * A batch against itself. Small batches (those the kernel runs on one thread anyway) stream the
   * upper-triangle blocks of the score matrix and fold each block into both its rows and its
   * columns: half the kernel work of the full matrix, no B x B array, no mirroring. The scores are
   * bit-identical to the full matrix's and ties still go to the lowest index, so the rows equal
   * {@link #mine(MiningBatch, long)}'s on {@link MiningBatch#self}.
   */
  @Override
  public Triplets mine(FloatMatrix embeddings, long[] labels, long[] ids) {
    int n = embeddings.rows();
    if ((long) n * n * embeddings.cols() > Similarities.serialSelfWork()) {
      return Miner.super.mine(embeddings, labels, ids);
    }
    FloatMatrix e = MiningBatch.prepareSelf(embeddings, labels, ids, config);
    UpperFold fold = new UpperFold(n, labels, ids, config.distance().isSimilarity() ? -1f : 1f);
    Similarities.forEachUpperBlock(e, config.distance(), fold);
    for (int i = 0; i < n; i++) {
      if (fold.bestP[i] < 0 || fold.bestN[i] < 0) {
        fold.bestP[i] = -1;
        fold.bestN[i] = -1;
      }
    }
    return Sampling.cap(compact(fold.bestP, fold.bestN), config.maxTriplets(),
        Seeds.stream(config.seed(), 0L, Seeds.SUBSAMPLE, 0));
  }

  /** Folds upper-triangle blocks into every anchor's farthest positive and closest negative. */
  private static final class UpperFold implements BlockVisitor {
    final int[] bestP;
    final int[] bestN;
    private final float[] farP;
    private final float[] nearN;
    private final long[] labels;
    private final long[] ids;
    private final float sign;

    UpperFold(int n, long[] labels, long[] ids, float sign) {
      this.bestP = new int[n];
      this.bestN = new int[n];
      this.farP = new float[n];
      this.nearN = new float[n];
      java.util.Arrays.fill(bestP, -1);
      java.util.Arrays.fill(bestN, -1);
      // scores are finite (checked), so the first candidate always replaces these
      java.util.Arrays.fill(farP, Float.NEGATIVE_INFINITY);
      java.util.Arrays.fill(nearN, Float.POSITIVE_INFINITY);
      this.labels = labels;
      this.ids = ids;
      this.sign = sign;
    }

    @Override
    public void accept(int r0, int r1, int c0, int c1, float[] block) {
      int w = c1 - c0;
      for (int i = r0; i < r1; i++) {
        long li = labels[i];
        int base = (i - r0) * w - c0;
        // row i's own bests stay in locals; the column ends (j) are updated in the arrays
        float fp = farP[i];
        float nn = nearN[i];
        int bp = bestP[i];
        int bn = bestN[i];
        // in a diagonal block only j > i: each unordered pair is folded once, into both ends
        for (int j = r0 == c0 ? i + 1 : c0; j < c1; j++) {
          if (ids != null && ids[i] == ids[j]) {
            continue;
          }
          float x = sign * block[base + j];
          if (labels[j] == li) {
            if (x > fp) {
              fp = x;
              bp = j;
            }
            positive(j, i, x);
          } else {
            if (x < nn) {
              nn = x;
              bn = j;
            }
            negative(j, i, x);
          }
        }
        farP[i] = fp;
        nearN[i] = nn;
        bestP[i] = bp;
        bestN[i] = bn;
      }
    }

    // Blocks come row block by row block, columns increasing, so every anchor meets its candidates
    // in increasing index order (first as a column of earlier row blocks, then along its own row):
    // a strict comparison keeps the lowest index among equal scores, as the full-matrix scan does.
    private void positive(int a, int j, float x) {
      if (x > farP[a]) {
        farP[a] = x;
        bestP[a] = j;
      }
    }

    private void negative(int a, int j, float x) {
      if (x < nearN[a]) {
        nearN[a] = x;
        bestN[a] = j;
      }
    }
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    int[] hp = new int[s.queries];
    int[] hn = new int[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> hardest(s, i, hp, hn));
    return Sampling.cap(compact(hp, hn), config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0));
  }

  /** Writes anchor i's hardest positive and negative (or -1) into hp[i], hn[i]. */
  private static void hardest(ScoreRows s, int i, int[] hp, int[] hn) {
    float[] sc = s.scores;
    long[] refLabels = s.refLabels;
    long label = s.labels[i];
    int base = i * s.refs;
    float sign = s.sign;
    int skip = s.self ? i : -1;
    int bestP = -1;
    int bestN = -1;
    float farP = Float.NEGATIVE_INFINITY;
    float nearN = Float.POSITIVE_INFINITY;
    if (s.ids == null) {
      for (int j = 0; j < s.refs; j++) {
        float x = sign * sc[base + j];
        if (refLabels[j] == label) {
          // strict comparisons keep the lowest index among equal scores; the first pair always
          // counts, so infinite or NaN scores cannot leave an anchor with pairs unmatched
          if ((x > farP || bestP < 0) && j != skip) {
            farP = x;
            bestP = j;
          }
        } else if (x < nearN || bestN < 0) {
          nearN = x;
          bestN = j;
        }
      }
    } else {
      long id = s.ids[i];
      long[] refIds = s.refIds;
      for (int j = 0; j < s.refs; j++) {
        if (j == skip || refIds[j] == id) {
          continue;
        }
        float x = sign * sc[base + j];
        if (refLabels[j] == label) {
          if (x > farP || bestP < 0) {
            farP = x;
            bestP = j;
          }
        } else if (x < nearN || bestN < 0) {
          nearN = x;
          bestN = j;
        }
      }
    }
    hp[i] = bestN < 0 ? -1 : bestP;
    hn[i] = bestP < 0 ? -1 : bestN;
  }

  static Triplets compact(int[] hp, int[] hn) {
    int n = 0;
    for (int i = 0; i < hp.length; i++) {
      if (hp[i] >= 0 && hn[i] >= 0) {
        n++;
      }
    }
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    int r = 0;
    for (int i = 0; i < hp.length; i++) {
      if (hp[i] >= 0 && hn[i] >= 0) {
        a[r] = i;
        p[r] = hp[i];
        g[r++] = hn[i];
      }
    }
    return Triplets.of(a, p, g);
  }
}
