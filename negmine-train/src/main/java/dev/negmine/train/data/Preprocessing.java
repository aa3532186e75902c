package dev.negmine.train.data;

import dev.negmine.core.linalg.FloatMatrix;

/**
 * The feature transform a model was trained with, {@code (x - mean) / std} with one mean and one
 * standard deviation over all training features; saved with the model so embedding new data
 * applies exactly the same transform.
 */
public record Preprocessing(float mean, float std) {
  public Preprocessing {
    if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) {
      throw new IllegalArgumentException("preprocessing needs a finite mean and a positive std, got " + mean + ", " + std);
    }
  }

  /** Fits mean and standard deviation to {@code features}. */
  public static Preprocessing fit(FloatMatrix features) {
    float[] d = features.data();
    double s = 0;
    double ss = 0;
    for (float v : d) {
      s += v;
      ss += (double) v * v;
    }
    double mean = s / d.length;
    double var = Math.max(0, ss / d.length - mean * mean);
    return new Preprocessing((float) mean, (float) Math.max(Math.sqrt(var), 1e-6));
  }

  /** A transformed copy. */
  public FloatMatrix apply(FloatMatrix features) {
    float[] in = features.data();
    float[] out = new float[in.length];
    float inv = 1f / std;
    for (int i = 0; i < in.length; i++) {
      out[i] = (in[i] - mean) * inv;
    }
    return FloatMatrix.of(features.rows(), features.cols(), out);
  }
}
