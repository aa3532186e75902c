package dev.negmine.train.negatives;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceStats;
import dev.negmine.train.loss.StepTuples;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns one step's slot assignment into loss tuples: for every anchor with a batch positive, every
 * slot asks its source for a negative (in-batch when the source defers), pairs it with the anchor's
 * positives (or the pick's key positives) and records per-source figures; synthetic negatives are
 * then mixed from each anchor's picks. The only place where sources meet; single use per step.
 *
 * <p>Row numbering follows {@link StepTuples}: the live rows, then the constants in the order
 * detached extras, source constants in order of first use, synthetic vectors.
 */
final class TupleAssembler {
  private final StepView view;
  private final Map<NegativeSource, CandidateSource> sources;
  private final CandidateSource inBatch;
  private final int allRows;
  private final int liveRows;
  private final List<CandidateSource> constantSource = new ArrayList<>();
  private final List<Integer> constantIndex = new ArrayList<>();
  private final Map<Long, Integer> constantSlot = new HashMap<>();
  private final Terms terms = new Terms();
  final SourceStats stats;
  final SourceStats syntheticStats;
  double realLoss;
  double syntheticLoss;

  TupleAssembler(StepView view, Map<NegativeSource, CandidateSource> sources, boolean liveExtras) {
    this.view = view;
    this.sources = sources;
    this.inBatch = sources.get(NegativeSource.IN_BATCH);
    this.allRows = view.x().rows();
    this.liveRows = liveExtras ? allRows : view.batch();
    this.stats = new SourceStats(view.margin());
    this.syntheticStats = new SourceStats(view.margin());
  }

  /**
   * @param slots slots per anchor (the mix plan's width)
   * @param synthetic synthetic hard negatives per anchor, or null
   */
  StepTuples assemble(int slots, SyntheticNegatives synthetic, SplittableRandom rnd, SplittableRandom synthRnd) {
    int b = view.batch();
    float m = (float) view.margin();
    List<float[]> synthRows = new ArrayList<>();
    Terms synth = new Terms();
    for (int a = 0; a < b; a++) {
      AnchorPositives pos = view.positives(a);
      if (pos.isEmpty()) {
        continue;
      }
      int firstNeg = terms.negatives();
      AnchorDraw[] draws = new AnchorDraw[NegativeSource.values().length];
      for (int s = 0; s < slots; s++) {
        NegativeSource kind = view.plan().mix().source(a, s);
        CandidateSource src = sources.getOrDefault(kind, inBatch);
        Pick pick = draw(draws, src, a, pos, rnd);
        if (pick == Pick.FALLBACK) {
          src = inBatch;
          pick = draw(draws, inBatch, a, pos, rnd);
        }
        if (!pick.found()) {
          continue;
        }
        int row = pick.constant() ? allRows + constantSlot(src, pick.row()) : pick.row();
        int k = terms.addNegative(a, row, src.kind());
        float lossSum = 0;
        boolean keep = pick.keepAllPairs();
        if (pick.positives() != null) {
          Pick.Positives ps = pick.positives();
          for (int i = 0; i < ps.rows().length; i++) {
            int p = ps.constant() ? allRows + constantSlot(src, ps.rows()[i]) : ps.rows()[i];
            lossSum += terms.pair(p, k, ps.distances()[i], pick.distance(), m, keep);
          }
        } else {
          for (int p : pos.rows()) {
            lossSum += terms.pair(p, k, view.dist().get(a, p), pick.distance(), m, keep);
          }
        }
        stats.record(src.kind(), 1 - pick.distance() * pick.distance() / 2, pos.bestSimilarity(), lossSum);
        realLoss += lossSum;
      }
      if (synthetic != null && terms.negatives() > firstNeg) {
        mixSynthetic(a, pos, firstNeg, synthetic, synthRnd, synthRows, synth, m);
      }
    }
    int base = terms.negatives();
    int rowBase = allRows + constantIndex.size();
    terms.append(synth, base, rowBase);
    return new StepTuples(b, liveRows, constants(synthRows), terms.negAnchor.toArray(), terms.negRow.toArray(),
        terms.sources(), new StepTuples.Pairs(terms.termPos.toArray(), terms.termNeg.toArray(), terms.kept()));
  }

  private Pick draw(AnchorDraw[] draws, CandidateSource src, int a, AnchorPositives pos, SplittableRandom rnd) {
    int k = src.kind().ordinal();
    if (draws[k] == null) {
      draws[k] = src.forAnchor(view, a, pos, rnd);
    }
    return draws[k].next(rnd);
  }

  /** MoCHi: synthetic negatives mixed from the anchor and its picks (host copies: constants). */
  private void mixSynthetic(int a, AnchorPositives pos, int firstNeg, SyntheticNegatives synthetic,
      SplittableRandom synthRnd, List<float[]> synthRows, Terms synth, float m) {
    int d = view.x().cols();
    FloatMatrix av = view.x().rowRange(a, a + 1);
    List<float[]> negs = new ArrayList<>();
    float[] nd = new float[terms.negatives() - firstNeg];
    for (int k = firstNeg; k < terms.negatives(); k++) {
      float[] v = vector(terms.negRow.get(k), d);
      negs.add(v);
      nd[k - firstNeg] = Similarities.score(av, 0, FloatMatrix.of(1, d, v), 0, Distance.L2);
    }
    for (float[] v : synthetic.mix(av.row(0), negs, nd, synthRnd)) {
      int si = synthRows.size();
      synthRows.add(v);
      int k = synth.addNegative(a, si, NegativeSource.IN_BATCH);
      float dn = Similarities.score(av, 0, FloatMatrix.of(1, d, v), 0, Distance.L2);
      float lossSum = 0;
      for (int p : pos.rows()) {
        lossSum += synth.pair(p, k, view.dist().get(a, p), dn, m, false);
      }
      syntheticStats.record(NegativeSource.IN_BATCH, 1 - dn * dn / 2, pos.bestSimilarity(), lossSum);
      syntheticLoss += lossSum;
    }
  }

  /** The host vector of a table row (a step row or a source constant picked so far). */
  private float[] vector(int row, int d) {
    if (row < allRows) {
      return view.x().row(row);
    }
    int slot = row - allRows;
    return constantSource.get(slot).constants().row(constantIndex.get(slot));
  }

  private int constantSlot(CandidateSource src, int index) {
    long key = ((long) src.kind().ordinal() << 32) | index;
    return constantSlot.computeIfAbsent(key, k -> {
      constantSource.add(src);
      constantIndex.add(index);
      return constantIndex.size() - 1;
    });
  }

  /** Detached extras, then source constants in slot order, then synthetic vectors. */
  private FloatMatrix constants(List<float[]> synthRows) {
    int d = view.x().cols();
    int detached = allRows - liveRows;
    int n = detached + constantIndex.size() + synthRows.size();
    float[] c = new float[n * d];
    if (detached > 0) {
      System.arraycopy(view.x().data(), view.x().offset(liveRows), c, 0, detached * d);
    }
    for (int i = 0; i < constantIndex.size(); i++) {
      FloatMatrix src = constantSource.get(i).constants();
      System.arraycopy(src.data(), src.offset(constantIndex.get(i)), c, (detached + i) * d, d);
    }
    for (int i = 0; i < synthRows.size(); i++) {
      System.arraycopy(synthRows.get(i), 0, c, (detached + constantIndex.size() + i) * d, d);
    }
    return FloatMatrix.of(n, d, c);
  }
}
