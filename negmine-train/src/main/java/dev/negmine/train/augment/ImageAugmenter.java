package dev.negmine.train.augment;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.sampling.Seeds;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Applies {@link AugmentConfig} to rows of raw images. A view is a pure function of (seed, step,
 * view number, position in the batch), so a resumed run draws the same views. Immutable.
 */
public final class ImageAugmenter {
  private static final long STREAM = 41;

  private final AugmentConfig config;
  private final int side;
  private final float lo;
  private final float hi;
  private final Set<Long> flipLabels;
  private final long seed;

  /**
   * @param side image side (rows are side x side, row-major)
   * @param lo smallest pixel value of the data (padding value and clip floor)
   * @param hi largest pixel value of the data (clip ceiling)
   */
  public ImageAugmenter(AugmentConfig config, int side, float lo, float hi, long seed) {
    if (side < 2) {
      throw new IllegalArgumentException("augmentation needs square images (side >= 2), got side " + side);
    }
    if (!(hi > lo)) {
      throw new IllegalArgumentException("augmentation needs a pixel range, got [" + lo + ", " + hi + "]");
    }
    this.config = config;
    this.side = side;
    this.lo = lo;
    this.hi = hi;
    this.flipLabels = config.flipLabels();
    this.seed = seed;
  }

  /** An augmenter for {@code raw} images: the pixel range is the data's. */
  public static ImageAugmenter forData(AugmentConfig config, FloatMatrix raw, int side, long seed) {
    float lo = Float.MAX_VALUE;
    float hi = -Float.MAX_VALUE;
    for (float v : raw.data()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new ImageAugmenter(config, side, lo, hi, seed);
  }

  public AugmentConfig config() {
    return config;
  }

  /** As {@link #views} without labels (self-supervised): images flip only when every label may. */
  public FloatMatrix unlabelledViews(FloatMatrix images, long step, int view) {
    return views(images, null, step, view);
  }

  /** View {@code view} of each row of {@code images} (labels decide the flip policy; null: none). */
  public FloatMatrix views(FloatMatrix images, long[] labels, long step, int view) {
    int n = images.rows();
    int d = side * side;
    if (images.cols() != d) {
      throw new IllegalArgumentException("expected " + d + " pixels per image, got " + images.cols());
    }
    float[] out = new float[n * d];
    float[] src = images.data();
    for (int i = 0; i < n; i++) {
      SplittableRandom r = new SplittableRandom(Seeds.derive(Seeds.derive(seed, STREAM, step), view, i));
      augment(src, images.offset(i), out, i * d, labels == null ? -1 : labels[i], r);
    }
    return FloatMatrix.of(n, d, out);
  }

  private void augment(float[] src, int so, float[] dst, int doff, long label, SplittableRandom r) {
    int p = config.pad();
    int dx = p == 0 ? 0 : r.nextInt(2 * p + 1) - p;
    int dy = p == 0 ? 0 : r.nextInt(2 * p + 1) - p;
    boolean flip = (flipLabels == null || flipLabels.contains(label)) && r.nextBoolean();
    float shift = (float) ((r.nextDouble() * 2 - 1) * config.brightness() * (hi - lo));
    float scale = (float) (1 + (r.nextDouble() * 2 - 1) * config.contrast());
    double sum = 0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int sx = x + dx;
        int sy = y + dy;
        if (flip) {
          sx = side - 1 - sx;
        }
        float v = sx < 0 || sy < 0 || sx >= side || sy >= side ? lo : src[so + sy * side + sx];
        dst[doff + y * side + x] = v;
        sum += v;
      }
    }
    float mean = (float) (sum / (side * side));
    for (int k = 0; k < side * side; k++) {
      float v = (dst[doff + k] - mean) * scale + mean + shift;
      dst[doff + k] = Math.max(lo, Math.min(hi, v));
    }
  }
}
