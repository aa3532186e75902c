package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;

/** Growing negative and pair-term lists of one step (see {@link dev.negmine.train.loss.StepTuples}). */
final class Terms {
  final IntList negAnchor = new IntList();
  final IntList negRow = new IntList();
  final IntList termPos = new IntList();
  final IntList termNeg = new IntList();
  private final java.util.List<NegativeSource> negSource = new java.util.ArrayList<>();
  private boolean[] kept = new boolean[64];

  int negatives() {
    return negAnchor.size();
  }

  /** Adds a negative of anchor {@code a} at {@code row} from {@code source}; returns its index. */
  int addNegative(int a, int row, NegativeSource source) {
    negSource.add(source);
    negAnchor.add(a);
    negRow.add(row);
    return negAnchor.size() - 1;
  }

  /**
   * Pairs negative {@code k} with positive row {@code p}; the triplet loss keeps the pair when
   * {@code keepAll} or the negative lies farther than the positive. Returns the kept pair's hinge
   * {@code max(0, dp - dn + margin)}, else 0.
   */
  float pair(int p, int k, float dp, float dn, float margin, boolean keepAll) {
    int t = termPos.size();
    termPos.add(p);
    termNeg.add(k);
    if (t == kept.length) {
      kept = java.util.Arrays.copyOf(kept, 2 * t);
    }
    kept[t] = keepAll || dn > dp;
    return kept[t] ? Math.max(0, dp - dn + margin) : 0;
  }

  NegativeSource[] sources() {
    return negSource.toArray(new NegativeSource[0]);
  }

  boolean[] kept() {
    return java.util.Arrays.copyOf(kept, termPos.size());
  }

  /** Appends {@code other}'s negatives (rows offset by rowBase) and terms (negatives offset by negBase). */
  void append(Terms other, int negBase, int rowBase) {
    for (int k = 0; k < other.negatives(); k++) {
      addNegative(other.negAnchor.get(k), rowBase + other.negRow.get(k), other.negSource.get(k));
    }
    boolean[] oc = other.kept();
    for (int t = 0; t < oc.length; t++) {
      int at = termPos.size();
      termPos.add(other.termPos.get(t));
      termNeg.add(negBase + other.termNeg.get(t));
      if (at == kept.length) {
        kept = java.util.Arrays.copyOf(kept, 2 * at);
      }
      kept[at] = oc[t];
    }
  }

  /** A growable int array. */
  static final class IntList {
    private int[] a = new int[64];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
