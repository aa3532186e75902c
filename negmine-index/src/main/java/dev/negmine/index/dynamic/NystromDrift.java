package dev.negmine.index.dynamic;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;

/**
 * The encoder's drift estimated from re-encoded landmarks (Monath et al. 2023, section 4): with a
 * linear kernel on the stale encodings, the Nyström estimate of a target's current encoding, {@code
 * k(y, L) K(L, L)^+ N_L = o_y O_L^+ N_L}, is the least-squares linear map from the landmarks' stale
 * encodings {@code O_L} (m x d) to their current ones {@code N_L} (m x d'), applied to the target's
 * stale encoding {@code o_y}.
 *
 * <p>The map is fitted in double precision from the normal equations {@code (O^T O + lambda I) W =
 * O^T N}, with {@code lambda = ridge * trace(O^T O) / d} (ridge 0 gives the plain least-squares map
 * when O has full column rank: m >= d landmarks in general position recover a linear drift
 * exactly). With {@code affine} a constant 1 is appended to every stale encoding, so drifts with a
 * translation are recovered too. Immutable and thread-safe once fitted.
 */
public final class NystromDrift {
  private final int inDim;
  private final int outDim;
  private final boolean affine;
  private final float[] weights; // (inDim + affine) x outDim, row-major
  private final double residual;

  private NystromDrift(int inDim, int outDim, boolean affine, float[] weights, double residual) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.affine = affine;
    this.weights = weights;
    this.residual = residual;
  }

  /**
   * Fits the map from {@code stale} landmark encodings to their {@code current} ones (same rows,
   * same order).
   *
   * @throws IllegalArgumentException if the row counts differ, there are no rows, or the system is
   *     singular (fewer independent landmarks than dimensions and {@code ridge == 0})
   */
  public static NystromDrift fit(FloatMatrix stale, FloatMatrix current, boolean affine, double ridge) {
    if (stale.rows() != current.rows() || stale.rows() == 0) {
      throw new IllegalArgumentException("need the same positive number of stale and current landmark rows, got "
          + stale.rows() + " and " + current.rows());
    }
    if (!(ridge >= 0) || !Double.isFinite(ridge)) {
      throw new IllegalArgumentException("ridge must be >= 0, got " + ridge);
    }
    int m = stale.rows();
    int d = stale.cols();
    int p = d + (affine ? 1 : 0);
    int o = current.cols();
    double[] g = new double[p * p];
    double[] b = new double[p * o];
    double[] x = new double[p];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < d; i++) {
        x[i] = stale.get(r, i);
      }
      if (affine) {
        x[d] = 1.0;
      }
      for (int i = 0; i < p; i++) {
        double xi = x[i];
        for (int j = i; j < p; j++) {
          g[i * p + j] += xi * x[j];
        }
        for (int j = 0; j < o; j++) {
          b[i * o + j] += xi * current.get(r, j);
        }
      }
    }
    double trace = 0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < i; j++) {
        g[i * p + j] = g[j * p + i];
      }
      trace += g[i * p + i];
    }
    double lambda = ridge * trace / p;
    for (int i = 0; i < p; i++) {
      g[i * p + i] += lambda;
    }
    double[] w = Cholesky.solve(g, p, b, o);
    float[] wf = new float[p * o];
    for (int i = 0; i < wf.length; i++) {
      wf[i] = (float) w[i];
    }
    NystromDrift fitted = new NystromDrift(d, o, affine, wf, 0);
    FloatMatrix est = fitted.apply(stale);
    double num = 0;
    double den = 0;
    for (int i = 0; i < est.data().length; i++) {
      double diff = est.data()[i] - current.data()[i];
      num += diff * diff;
      den += (double) current.data()[i] * current.data()[i];
    }
    return new NystromDrift(d, o, affine, wf, den == 0 ? 0 : Math.sqrt(num / den));
  }

  /** {@code |O W - N|_F / |N|_F} on the landmarks it was fitted to. */
  public double landmarkResidual() {
    return residual;
  }

  /** Floats held by the map. */
  public int parameterCount() {
    return weights.length;
  }

  public boolean affine() {
    return affine;
  }

  /** The estimated current encodings of every row of {@code stale}: a new matrix. */
  public FloatMatrix apply(FloatMatrix stale) {
    if (stale.cols() != inDim) {
      throw new IllegalArgumentException("stale encodings have " + stale.cols() + " dimensions, the map expects " + inDim);
    }
    // Similarities.matrix(A, B, DOT) = A B^T, so pass W^T (outDim x inDim) as B.
    FloatMatrix wt = FloatMatrix.zeros(outDim, inDim);
    for (int i = 0; i < inDim; i++) {
      for (int j = 0; j < outDim; j++) {
        wt.set(j, i, weights[i * outDim + j]);
      }
    }
    FloatMatrix out = Similarities.matrix(stale, wt, Distance.DOT);
    if (affine) {
      float[] od = out.data();
      for (int r = 0; r < out.rows(); r++) {
        int off = r * outDim;
        for (int j = 0; j < outDim; j++) {
          od[off + j] += weights[inDim * outDim + j];
        }
      }
    }
    return out;
  }

  /** Dense symmetric positive-definite solve (package-private helper). */
  static final class Cholesky {
    private Cholesky() {}

    /** Solves {@code G X = B} for G (p x p, SPD) and B (p x o); returns X row-major. */
    static double[] solve(double[] g, int p, double[] b, int o) {
      double[] l = new double[p * p];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j <= i; j++) {
          double s = g[i * p + j];
          for (int k = 0; k < j; k++) {
            s -= l[i * p + k] * l[j * p + k];
          }
          if (i == j) {
            if (!(s > 1e-12 * Math.max(1.0, Math.abs(g[i * p + i])))) {
              throw new IllegalArgumentException("landmark system is singular (dimension " + i
                  + "): use at least as many independent landmarks as dimensions, or a ridge > 0");
            }
            l[i * p + i] = Math.sqrt(s);
          } else {
            l[i * p + j] = s / l[j * p + j];
          }
        }
      }
      double[] x = b.clone();
      for (int c = 0; c < o; c++) {
        for (int i = 0; i < p; i++) {
          double s = x[i * o + c];
          for (int k = 0; k < i; k++) {
            s -= l[i * p + k] * x[k * o + c];
          }
          x[i * o + c] = s / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {
          double s = x[i * o + c];
          for (int k = i + 1; k < p; k++) {
            s -= l[k * p + i] * x[k * o + c];
          }
          x[i * o + c] = s / l[i * p + i];
        }
      }
      return x;
    }
  }
}
