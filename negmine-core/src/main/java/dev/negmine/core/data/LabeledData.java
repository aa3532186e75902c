package dev.negmine.core.data;

import dev.negmine.core.linalg.FloatMatrix;

/**
 * Items with class labels, ready for an encoder.
 *
 * @param features N x D raw features (pixel values 0..255 for images, as read)
 * @param labels N class labels
 * @param imageSide side of the square single-channel image each row is, or 0 for plain features
 * @param source where the data came from, for provenance and messages
 */
public record LabeledData(FloatMatrix features, long[] labels, int imageSide, String source) {
  public LabeledData {
    if (features == null || labels == null) {
      throw new IllegalArgumentException("features and labels must be set");
    }
    if (features.rows() == 0) {
      throw new IllegalArgumentException("no items in " + source);
    }
    if (labels.length != features.rows()) {
      throw new IllegalArgumentException(source + ": " + features.rows() + " items but " + labels.length + " labels");
    }
    if (imageSide < 0 || (imageSide > 0 && imageSide * imageSide != features.cols())) {
      throw new IllegalArgumentException(source + ": image side " + imageSide + " does not match " + features.cols() + " features");
    }
  }

  public int size() {
    return labels.length;
  }

  public boolean isImage() {
    return imageSide > 0;
  }

  /** The items at {@code rows}, in that order. */
  public LabeledData subset(int[] rows, String what) {
    long[] l = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      l[i] = labels[rows[i]];
    }
    return new LabeledData(features.gather(rows), l, imageSide, source + " (" + what + ")");
  }
}
