package dev.negmine.train.monitor;

/**
 * Eigenvalues of a small symmetric matrix: Householder reduction to tridiagonal form, then the
 * implicit QL iteration (the EISPACK tred2/tql2 pair without eigenvectors). O(n^3) with a small
 * constant: about 0.3 ms at n = 64, against several ms for cyclic Jacobi, which matters at one call
 * per training step.
 */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /** Eigenvalues of symmetric {@code a} (destroyed), unordered. */
  static double[] eigenvalues(double[][] a) {
    int n = a.length;
    double[] d = new double[n];
    double[] e = new double[n];
    tridiagonalize(a, d, e);
    ql(d, e);
    return d;
  }

  private static void tridiagonalize(double[][] a, double[] d, double[] e) {
    int n = a.length;
    for (int j = 0; j < n; j++) {
      d[j] = a[n - 1][j];
    }
    for (int i = n - 1; i > 0; i--) {
      double scale = 0;
      double h = 0;
      for (int k = 0; k < i; k++) {
        scale += Math.abs(d[k]);
      }
      if (scale == 0) {
        e[i] = d[i - 1];
        for (int j = 0; j < i; j++) {
          d[j] = a[i - 1][j];
          a[i][j] = 0;
          a[j][i] = 0;
        }
      } else {
        for (int k = 0; k < i; k++) {
          d[k] /= scale;
          h += d[k] * d[k];
        }
        double f = d[i - 1];
        double g = Math.sqrt(h);
        if (f > 0) {
          g = -g;
        }
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        for (int j = 0; j < i; j++) {
          e[j] = 0;
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          a[j][i] = f;
          g = e[j] + a[j][j] * f;
          for (int k = j + 1; k <= i - 1; k++) {
            g += a[k][j] * d[k];
            e[k] += a[k][j] * f;
          }
          e[j] = g;
        }
        f = 0;
        for (int j = 0; j < i; j++) {
          e[j] /= h;
          f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
          e[j] -= hh * d[j];
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          g = e[j];
          for (int k = j; k <= i - 1; k++) {
            a[k][j] -= (f * e[k] + g * d[k]);
          }
          d[j] = a[i - 1][j];
          a[i][j] = 0;
        }
      }
      d[i] = h;
    }
    for (int j = 0; j < n; j++) {
      d[j] = a[j][j];
    }
    e[0] = 0;
  }

  private static void ql(double[] d, double[] e) {
    int n = d.length;
    for (int i = 1; i < n; i++) {
      e[i - 1] = e[i];
    }
    e[n - 1] = 0;
    double f = 0;
    double tst1 = 0;
    double eps = Math.ulp(1.0);
    for (int l = 0; l < n; l++) {
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n) {
        if (Math.abs(e[m]) <= eps * tst1) {
          break;
        }
        m++;
      }
      if (m > l) {
        for (int iter = 0; iter < 60; iter++) {
          double g = d[l];
          double p = (d[l + 1] - g) / (2 * e[l]);
          double r = Math.hypot(p, 1);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          p = d[m];
          double c = 1;
          double c2 = c;
          double c3 = c;
          double el1 = e[l + 1];
          double s = 0;
          double s2 = 0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = Math.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
          if (Math.abs(e[l]) <= eps * tst1) {
            break;
          }
        }
      }
      d[l] += f;
      e[l] = 0;
    }
  }
}
