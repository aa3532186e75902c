package dev.negmine.spark;

import dev.negmine.index.NegativeFilters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The finished pool rows of one anchor block: anchors with a positive, in row order, each with its
 * candidates after the score filters and the top-K cut, exactly as {@link
 * dev.negmine.index.OfflineMiner#mine} selects them from the same ranked list.
 */
final class BlockResult implements Serializable {
  private static final long serialVersionUID = 1L;

  final long block;
  /** Global row of each kept anchor (ascending): the pool's order. */
  final long[] anchorRows;
  final long[] anchorIds;
  final long[] anchorLabels;
  final long[] positiveIds;
  final float[] positiveScores;
  final int[] counts;
  final long[] candidateIds;
  final long[] candidateLabels;
  final float[] candidateScores;
  final long dropped;
  final long shortAnchors;
  final long filteredByScore;

  BlockResult(long block, long[] anchorRows, long[] anchorIds, long[] anchorLabels, long[] positiveIds, float[] positiveScores,
      int[] counts, long[] candidateIds, long[] candidateLabels, float[] candidateScores, long dropped,
      long shortAnchors, long filteredByScore) {
    this.block = block;
    this.anchorRows = anchorRows;
    this.anchorIds = anchorIds;
    this.anchorLabels = anchorLabels;
    this.positiveIds = positiveIds;
    this.positiveScores = positiveScores;
    this.counts = counts;
    this.candidateIds = candidateIds;
    this.candidateLabels = candidateLabels;
    this.candidateScores = candidateScores;
    this.dropped = dropped;
    this.shortAnchors = shortAnchors;
    this.filteredByScore = filteredByScore;
  }

  static BlockResult of(long block, Iterable<Partial> partials, Iterable<SparkMineJob.Positive> positives, int top,
      boolean sim, double maxScore, double margin, boolean relative) {
    Iterator<Partial> pi = partials.iterator();
    if (!pi.hasNext()) {
      throw new IllegalStateException("anchor block " + block + " has positives but no search results");
    }
    Partial p = pi.next();
    if (pi.hasNext()) {
      throw new IllegalStateException("anchor block " + block + " has two merged results");
    }
    List<SparkMineJob.Positive> pos = new ArrayList<>();
    positives.forEach(pos::add);
    pos.sort((a, b) -> Long.compare(a.row(), b.row()));
    int n = p.anchorRows.length;
    if (pos.size() != n) {
      throw new IllegalStateException("anchor block " + block + ": " + n + " searched anchors but " + pos.size() + " positives");
    }
    NegativeFilters f = new NegativeFilters(true, true, maxScore, margin, relative);
    int k = p.k;
    long[] aRows = new long[n];
    long[] aIds = new long[n];
    long[] aLabels = new long[n];
    long[] pIds = new long[n];
    float[] pScores = new float[n];
    int[] counts = new int[n];
    long[] cIds = new long[n * Math.min(top, k)];
    long[] cLabels = new long[cIds.length];
    float[] cScores = new float[cIds.length];
    int anchors = 0;
    int w = 0;
    long dropped = 0;
    long shortAnchors = 0;
    long filtered = 0;
    for (int a = 0; a < n; a++) {
      SparkMineJob.Positive ps = pos.get(a);
      if (ps.row() != p.anchorRows[a]) {
        throw new IllegalStateException("anchor block " + block + ": rows of positives and results differ at " + a);
      }
      if (!ps.found()) {
        dropped++;
        continue;
      }
      int kept = 0;
      for (int r = 0; r < k && kept < top; r++) {
        int slot = a * k + r;
        if (p.rows[slot] < 0) {
          break;
        }
        float s = p.scores[slot];
        if (!f.passesScores(s, ps.score())) {
          filtered++;
          continue;
        }
        cIds[w] = p.ids[slot];
        cLabels[w] = p.labels[slot];
        cScores[w++] = s;
        kept++;
      }
      if (kept < top) {
        shortAnchors++;
      }
      aRows[anchors] = ps.row();
      aIds[anchors] = ps.id();
      aLabels[anchors] = ps.label();
      pIds[anchors] = ps.positiveId();
      pScores[anchors] = ps.score();
      counts[anchors++] = kept;
    }
    return new BlockResult(block, Arrays.copyOf(aRows, anchors), Arrays.copyOf(aIds, anchors), Arrays.copyOf(aLabels, anchors),
        Arrays.copyOf(pIds, anchors), Arrays.copyOf(pScores, anchors), Arrays.copyOf(counts, anchors),
        Arrays.copyOf(cIds, w), Arrays.copyOf(cLabels, w), Arrays.copyOf(cScores, w), dropped, shortAnchors, filtered);
  }
}
