package dev.negmine.train.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of an encoder: enough to rebuild it before loading weights.
 *
 * @param kind MLP, CNN, or ADAPTER (a residual head on frozen embeddings: {@code x + W2 relu(W1 x)},
 *     output dimension = input dimension, W2 starting at zero so training starts from the frozen encoder)
 * @param inputDim features per item (784 for 28x28 images)
 * @param imageSide side of the square single-channel image a CNN reads (0 for an MLP on features)
 * @param hidden hidden widths: MLP layer widths, or CNN channel counts per conv stage
 * @param embeddingSize output dimension; outputs are L2-normalised
 */
public record EncoderSpec(Kind kind, int inputDim, int imageSide, int[] hidden, int embeddingSize) {

  /** Encoder families. */
  public enum Kind {
    MLP,
    CNN,
    ADAPTER;

    public static Kind parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown encoder '" + s + "' (expected mlp, cnn or adapter)", e);
      }
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public EncoderSpec {
    if (kind == null) {
      throw new IllegalArgumentException("encoder kind must be set");
    }
    if (inputDim < 1) {
      throw new IllegalArgumentException("input dimension must be >= 1, got " + inputDim);
    }
    if (embeddingSize < 1) {
      throw new IllegalArgumentException("embedding size must be >= 1, got " + embeddingSize);
    }
    hidden = hidden == null ? new int[0] : hidden.clone();
    for (int h : hidden) {
      if (h < 1) {
        throw new IllegalArgumentException("hidden widths must be >= 1, got " + Arrays.toString(hidden));
      }
    }
    if (kind == Kind.ADAPTER && (embeddingSize != inputDim || hidden.length != 1)) {
      throw new IllegalArgumentException("an adapter has one hidden layer and outputs its input dimension (" + inputDim
          + "), got hidden " + Arrays.toString(hidden) + " and output " + embeddingSize);
    }
    if (kind == Kind.CNN) {
      if (imageSide < 8 || imageSide * imageSide != inputDim) {
        throw new IllegalArgumentException("a CNN needs square single-channel images (28x28 = 784 features); "
            + "these items have " + inputDim + " features" + (imageSide > 0 ? " and side " + imageSide : " and are not images"));
      }
      if (hidden.length == 0) {
        throw new IllegalArgumentException("a CNN needs at least one conv stage");
      }
    }
  }

  /** The default MLP: one hidden layer of 256, as the reference runs. */
  public static EncoderSpec mlp(int inputDim, int embeddingSize) {
    return new EncoderSpec(Kind.MLP, inputDim, 0, new int[] {256}, embeddingSize);
  }

  /** The default small CNN for square images: two conv stages of 16 and 32 channels. */
  public static EncoderSpec cnn(int imageSide, int embeddingSize) {
    return new EncoderSpec(Kind.CNN, imageSide * imageSide, imageSide, new int[] {16, 32}, embeddingSize);
  }

  /** A residual adapter on {@code inputDim}-dimensional frozen embeddings with {@code hidden} units. */
  public static EncoderSpec adapter(int inputDim, int hidden) {
    return new EncoderSpec(Kind.ADAPTER, inputDim, 0, new int[] {hidden}, inputDim);
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncoderSpec s && kind == s.kind && inputDim == s.inputDim && imageSide == s.imageSide
        && Arrays.equals(hidden, s.hidden) && embeddingSize == s.embeddingSize;
  }

  @Override
  public int hashCode() {
    return ((kind.hashCode() * 31 + inputDim) * 31 + imageSide) * 31 + Arrays.hashCode(hidden) * 31 + embeddingSize;
  }

  @Override
  public String toString() {
    return kind.cliName() + "(in=" + inputDim + (imageSide > 0 ? ", side=" + imageSide : "")
        + ", hidden=" + Arrays.toString(hidden) + ", out=" + embeddingSize + ")";
  }
}
