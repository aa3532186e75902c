package dev.negmine.core.internal.vector;

/**
 * Plain-loop kernels: the fallback when the Vector API is missing or unsuitable, and the
 * reference the Panama kernels are tested against.
 */
final class ScalarKernels implements VectorKernels {
  private static final int TILE = 4;

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    float s = 0f;
    for (int i = 0; i < len; i++) {
      s = Math.fma(a[aOff + i], b[bOff + i], s);
    }
    return s;
  }

  @Override
  public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    float s = 0f;
    for (int i = 0; i < len; i++) {
      float t = a[aOff + i] - b[bOff + i];
      s = Math.fma(t, t, s);
    }
    return s;
  }

  @Override
  public float sumOfSquares(float[] a, int off, int len) {
    float s = 0f;
    for (int i = 0; i < len; i++) {
      s = Math.fma(a[off + i], a[off + i], s);
    }
    return s;
  }

  @Override
  public void scale(float[] a, int off, int len, float factor) {
    for (int i = 0; i < len; i++) {
      a[off + i] *= factor;
    }
  }

  @Override
  public int tileRows() {
    return TILE;
  }

  @Override
  public int tileCols() {
    return TILE;
  }

  @Override
  public void scoreBlock(
      float[] left, int leftOff, int rows,
      float[] right, int rightOff, int cols,
      int dim, Finish finish,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] out, int outOff, int ld) {
    float[] acc = new float[TILE * TILE];
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int ap = leftOff + (i0 / TILE) * TILE * dim;
      int ni = Math.min(TILE, rows - i0);
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int bp = rightOff + (j0 / TILE) * TILE * dim;
        int nj = Math.min(TILE, cols - j0);
        java.util.Arrays.fill(acc, 0f);
        for (int k = 0; k < dim; k++) {
          for (int r = 0; r < TILE; r++) {
            float av = left[ap + k * TILE + r];
            for (int c = 0; c < TILE; c++) {
              acc[r * TILE + c] = Math.fma(av, right[bp + k * TILE + c], acc[r * TILE + c]);
            }
          }
        }
        for (int r = 0; r < ni; r++) {
          float rf = finish == Finish.RAW ? 0f : rowFactor[rowOff + i0 + r];
          int o = outOff + (i0 + r) * ld + j0;
          for (int c = 0; c < nj; c++) {
            float cf = finish == Finish.RAW ? 0f : colFactor[colOff + j0 + c];
            out[o + c] = finish.apply(acc[r * TILE + c], rf, cf);
          }
        }
      }
    }
  }

  @Override
  public long boundedTile(
      float[] left, int leftOff, float[] right, int rightOff, int dim, Finish finish, float sign,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] rowBound, float[] colBound, float[] keys) {
    java.util.Arrays.fill(keys, 0, TILE * TILE, 0f);
    for (int k = 0; k < dim; k++) {
      for (int r = 0; r < TILE; r++) {
        float av = left[leftOff + k * TILE + r];
        for (int c = 0; c < TILE; c++) {
          keys[r * TILE + c] = Math.fma(av, right[rightOff + k * TILE + c], keys[r * TILE + c]);
        }
      }
    }
    long mask = 0;
    for (int r = 0; r < TILE; r++) {
      float rf = finish == Finish.RAW ? 0f : rowFactor[rowOff + r];
      float rb = rowBound[rowOff + r];
      for (int c = 0; c < TILE; c++) {
        float cf = finish == Finish.RAW ? 0f : colFactor[colOff + c];
        float v = sign * finish.apply(keys[r * TILE + c], rf, cf);
        keys[r * TILE + c] = v;
        if (v <= rb) {
          mask |= 1L << r;
        }
        if (colBound != null && v <= colBound[colOff + c]) {
          mask |= 1L << (32 + c);
        }
      }
    }
    return mask;
  }

  @Override
  public void foldHardest(HardestArgs a, int keyRow0, int keyRow1, int col0, int col1) {
    int dim = a.dim;
    boolean raw = a.finish == Finish.RAW;
    for (int i = keyRow0; i < keyRow1; i++) {
      int ko = i * dim;
      float kf = raw ? 0f : a.keyFactor[i];
      for (int j = col0; j < col1; j++) {
        int bp = (j / TILE) * TILE * dim + j % TILE;
        float s = 0f;
        for (int k = 0; k < dim; k++) {
          s = Math.fma(a.keys[ko + k], a.anchors[bp + k * TILE], s);
        }
        float af = raw ? 0f : a.anchorFactor[j];
        a.offer(i, j, a.finish.apply(s, af, kf), Finish.SQUARED_L2.apply(s, af, kf));
      }
    }
  }
}
