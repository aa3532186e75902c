package dev.negmine.train.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.linalg.FloatMatrix;

/**
 * The whole-corpus top-k job through libtorch (the engine negmine already ships), for the offline
 * bench's comparison with negmine's own kernel ({@code negmine bench offline --jobs torch-fp32}): row blocks of unit vectors times the corpus
 * transposed in one matrix product, same-label pairs (the row itself included) pushed to the
 * bottom, then libtorch's top-k, in fp32. (bfloat16 is not offered: DJL 0.35.1's
 * {@code toType(BFLOAT16)} aborts the JVM here — "terminate called without an active exception"
 * — and this CPU has no BF16 instructions for it to use.)
 */
public final class LibtorchSelfJoin {
  private LibtorchSelfJoin() {}

  /** Each row's top {@code top} other-label rows, best first ({@code -1} where fewer exist). */
  public static int[][] run(FloatMatrix unit, long[] labels, int top) {
    int n = unit.rows();
    int dim = unit.cols();
    int fetch = Math.min(n, top);
    int block = (int) Math.max(64, Math.min(2048, (1L << 27) / n));
    int[][] out = new int[n][];
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      float[] data = unit.data().length == n * dim && unit.offset(0) == 0 ? unit.data() : unit.copy().data();
      NDArray all = m.create(data, new Shape(n, dim));
      NDArray keys = all.transpose().duplicate();
      NDArray lab = m.create(labels);
      for (int b0 = 0; b0 < n; b0 += block) {
        int b1 = Math.min(n, b0 + block);
        try (NDManager scope = m.newSubManager()) {
          NDArray q = all.get(new NDIndex("{}:{}", b0, b1));
          q.attach(scope);
          NDArray s = q.matMul(keys);
          NDArray qlab = lab.get(new NDIndex("{}:{}", b0, b1));
          qlab.attach(scope);
          NDArray same = qlab.expandDims(1).eq(lab.expandDims(0)).toType(DataType.FLOAT32, false);
          NDArray masked = s.sub(same.mul(4f)); // cosines are in [-1, 1]: a same-label pair drops below every other
          NDList best = masked.topK(fetch, 1, true, true);
          float[] sc = best.get(0).toFloatArray();
          long[] ix = best.get(1).toLongArray();
          for (int i = 0; i < b1 - b0; i++) {
            out[b0 + i] = keep(ix, sc, i * fetch, fetch, top);
          }
        }
      }
    }
    return out;
  }

  /** One row's candidates: other-label only (masked scores are below -2), best first, ties to the lower row. */
  private static int[] keep(long[] ix, float[] sc, int off, int fetch, int top) {
    int[] cand = new int[fetch];
    float[] score = new float[fetch];
    int c = 0;
    for (int j = 0; j < fetch; j++) {
      int key = (int) ix[off + j];
      if (sc[off + j] < -2f) {
        continue;
      }
      cand[c] = key;
      score[c] = sc[off + j];
      c++;
    }
    Integer[] order = new Integer[c];
    for (int j = 0; j < c; j++) {
      order[j] = j;
    }
    java.util.Arrays.sort(order, (x, y) -> score[x] != score[y] ? Float.compare(score[y], score[x]) : Integer.compare(cand[x], cand[y]));
    int[] out = new int[top];
    for (int r = 0; r < top; r++) {
      out[r] = r < c ? cand[order[r]] : -1;
    }
    return out;
  }
}
