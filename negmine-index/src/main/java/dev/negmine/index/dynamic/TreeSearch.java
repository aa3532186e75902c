package dev.negmine.index.dynamic;

import java.util.Arrays;

/** Exact best-first and beam k-NN over an {@link SgTree} (package-private engine). */
final class TreeSearch {
  /** Relative slack added to every bound so float rounding in radii never prunes a true answer. */
  static final float SLACK = 1e-5f;

  private TreeSearch() {}

  static Neighbors exact(SgTree t, float[] q, int k) {
    checkK(k);
    if (t.size() == 0 || k == 0) {
      return new Neighbors(new int[0], new float[0], 0);
    }
    float qn = norm(q);
    TopHeap top = new TopHeap(Math.min(k, t.size()));
    MaxHeap pq = new MaxHeap();
    int root = t.root();
    float s = t.score(q, root);
    int scored = 1;
    top.offer(root, s);
    if (t.childCountUnchecked(root) > 0) {
      pq.push(root, bound(t, s, qn, t.radiusUnchecked(root)));
    }
    while (pq.size() > 0) {
      float ub = pq.topKey();
      if (top.full() && ub <= top.min()) {
        break;
      }
      int v = pq.pop();
      for (int j = 0, n = t.childCountUnchecked(v); j < n; j++) {
        int c = t.childUnchecked(v, j);
        float sc = t.score(q, c);
        scored++;
        top.offer(c, sc);
        if (t.childCountUnchecked(c) > 0) {
          float b = bound(t, sc, qn, t.radiusUnchecked(c));
          if (!top.full() || b > top.min()) {
            pq.push(c, b);
          }
        }
      }
    }
    return top.result(scored);
  }

  static Neighbors beam(SgTree t, float[] q, int k, int width) {
    checkK(k);
    if (width < 1) {
      throw new IllegalArgumentException("beam width must be >= 1, got " + width);
    }
    if (t.size() == 0 || k == 0) {
      return new Neighbors(new int[0], new float[0], 0);
    }
    float qn = norm(q);
    TopHeap top = new TopHeap(Math.min(k, t.size()));
    int root = t.root();
    top.offer(root, t.score(q, root));
    int scored = 1;
    int[] frontier = {root};
    int fn = 1;
    while (fn > 0) {
      int total = 0;
      for (int i = 0; i < fn; i++) {
        total += t.childCountUnchecked(frontier[i]);
      }
      int[] cand = new int[total];
      float[] key = new float[total];
      int cn = 0;
      for (int i = 0; i < fn; i++) {
        int v = frontier[i];
        for (int j = 0, n = t.childCountUnchecked(v); j < n; j++) {
          int c = t.childUnchecked(v, j);
          float sc = t.score(q, c);
          scored++;
          top.offer(c, sc);
          if (t.childCountUnchecked(c) > 0) {
            cand[cn] = c;
            key[cn] = bound(t, sc, qn, t.radiusUnchecked(c));
            cn++;
          }
        }
      }
      if (cn <= width) {
        frontier = Arrays.copyOf(cand, cn);
        fn = cn;
      } else {
        Integer[] idx = new Integer[cn];
        for (int i = 0; i < cn; i++) {
          idx[i] = i;
        }
        final float[] kk = key;
        Arrays.sort(idx, (a, b) -> Float.compare(kk[b], kk[a]));
        frontier = new int[width];
        for (int i = 0; i < width; i++) {
          frontier[i] = cand[idx[i]];
        }
        fn = width;
      }
    }
    return top.result(scored);
  }

  /**
   * Upper bound on {@code <q,y>} over the subtree of a node with score {@code s = <q,c>} and radius
   * {@code r}: {@link #bound(float, float, float)} in general; under {@link SgTree.Metric#COSINE}
   * (unit q, c, y) the tighter spherical-cap bound {@link #cosineBound}.
   */
  static float bound(SgTree t, float s, float qn, float r) {
    return t.metric() == SgTree.Metric.COSINE ? cosineBound(s, r) : bound(s, qn, r);
  }

  /**
   * For unit vectors: every member y lies within chord r of c, i.e. within angle {@code 2 asin(r/2)}
   * of it, so the angle between q and y is at least {@code acos(s) - 2 asin(r/2)} and {@code <q,y>
   * <= cos(max(0, that))} (never above 1, and never above {@code s + r}). Slack of 1e-5 on s, r and
   * the result absorbs float rounding in scores and radii.
   */
  static float cosineBound(float s, float r) {
    if (r <= 0f) {
      return s + SLACK * (Math.abs(s) + 1f);
    }
    double sc = Math.min(1.0, Math.max(-1.0, s + 1e-5));
    double theta = 2 * Math.asin(Math.min(1.0, r / 2.0 + 1e-5));
    double a = Math.acos(sc) - theta;
    double b = a <= 0 ? 1.0 : Math.cos(a);
    return (float) Math.min(b + 1e-5, bound(s, 1f, r));
  }

  /** {@code <q,c> + |q| R} with a relative slack for float rounding. */
  static float bound(float s, float qn, float r) {
    float b = s + qn * r;
    return b + SLACK * (Math.abs(b) + qn * (r + 1f));
  }

  static float norm(float[] q) {
    return (float) Math.sqrt(dev.negmine.core.linalg.VectorOps.sumOfSquares(q, 0, q.length));
  }

  private static void checkK(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
  }

  /** Bounded min-heap of (id, score) keeping the k best. */
  static final class TopHeap {
    private final int[] ids;
    private final float[] sc;
    private int n;

    TopHeap(int k) {
      ids = new int[k];
      sc = new float[k];
    }

    boolean full() {
      return n == ids.length;
    }

    float min() {
      return sc[0];
    }

    void offer(int id, float s) {
      if (ids.length == 0) {
        return;
      }
      if (n < ids.length) {
        int i = n++;
        while (i > 0) {
          int p = (i - 1) >>> 1;
          if (sc[p] <= s) {
            break;
          }
          ids[i] = ids[p];
          sc[i] = sc[p];
          i = p;
        }
        ids[i] = id;
        sc[i] = s;
      } else if (s > sc[0]) {
        int i = 0;
        while (true) {
          int l = 2 * i + 1;
          if (l >= n) {
            break;
          }
          int r = l + 1;
          int m = r < n && sc[r] < sc[l] ? r : l;
          if (sc[m] >= s) {
            break;
          }
          ids[i] = ids[m];
          sc[i] = sc[m];
          i = m;
        }
        ids[i] = id;
        sc[i] = s;
      }
    }

    Neighbors result(int scored) {
      Integer[] idx = new Integer[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (a, b) -> Float.compare(sc[b], sc[a]));
      int[] oi = new int[n];
      float[] os = new float[n];
      for (int i = 0; i < n; i++) {
        oi[i] = ids[idx[i]];
        os[i] = sc[idx[i]];
      }
      return new Neighbors(oi, os, scored);
    }
  }

  /** Growable max-heap of (float key, int node). */
  static final class MaxHeap {
    private float[] keys = new float[64];
    private int[] vals = new int[64];
    private int n;

    int size() {
      return n;
    }

    float topKey() {
      return keys[0];
    }

    void push(int v, float key) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        vals = Arrays.copyOf(vals, n * 2);
      }
      int i = n++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (keys[p] >= key) {
          break;
        }
        keys[i] = keys[p];
        vals[i] = vals[p];
        i = p;
      }
      keys[i] = key;
      vals[i] = v;
    }

    int pop() {
      int top = vals[0];
      float key = keys[--n];
      int val = vals[n];
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          break;
        }
        int r = l + 1;
        int m = r < n && keys[r] > keys[l] ? r : l;
        if (keys[m] <= key) {
          break;
        }
        keys[i] = keys[m];
        vals[i] = vals[m];
        i = m;
      }
      if (n > 0) {
        keys[i] = key;
        vals[i] = val;
      }
      return top;
    }

    void clear() {
      n = 0;
    }
  }
}
