package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Factories for the losses, and the tensor helpers they share. */
public final class Losses {
  /** Keeps sqrt differentiable at zero distance. */
  static final float DIST_EPS = 1e-12f;

  private Losses() {}

  /**
   * Triplet margin loss {@code max(0, d(a,p) - d(a,n) + margin)} on L2 distance; with
   * {@code softMargin} it is {@code log(1 + exp(d(a,p) - d(a,n)))} (no margin, never exactly zero,
   * so {@link Reduction#ACTIVE_MEAN} counts every term).
   */
  public static TupleLoss triplet(double margin, boolean softMargin, Reduction reduction) {
    return new TripletLoss(margin, softMargin, reduction);
  }

  /**
   * Contrastive loss: positives pay {@code max(0, d(a,p) - posMargin)}, negatives pay
   * {@code max(0, negMargin - d(a,n))}; the pairs come from the tuples (each distinct (a,p) and
   * (a,n) once). Averaged over positive and negative terms separately, then summed.
   */
  public static TupleLoss contrastive(double posMargin, double negMargin, Reduction reduction) {
    return new ContrastiveLoss(posMargin, negMargin, reduction);
  }

  /** InfoNCE / multiple-negatives ranking; see {@link InfoNceLoss}. */
  public static TupleLoss infoNce(double temperature, boolean symmetric) {
    return new InfoNceLoss(temperature, symmetric, null);
  }

  /**
   * InfoNCE with a log-Q correction: {@code logQ[j]} is the log of the probability that row j was
   * sampled as a negative; it is subtracted from that row's logit as a negative so popular items
   * are not over-penalised.
   */
  public static TupleLoss infoNce(double temperature, boolean symmetric, float[] logQ) {
    return new InfoNceLoss(temperature, symmetric, logQ);
  }

  /**
   * The loss over negative-source tuples that a run's loss name means: the semi-hard triplet loss,
   * contrastive (negative margin at least 0.5, as for mined tuples) or InfoNCE at the run's
   * temperature. The soft-margin triplet has no source form.
   */
  public static SourceLoss forSources(dev.negmine.train.TrainConfig config, double margin) {
    return switch (config.loss()) {
      case TRIPLET -> new MixedTripletLoss(margin, config.reduction());
      case CONTRASTIVE -> new SourceContrastiveLoss(0, Math.max(margin, 0.5), config.reduction());
      case INFONCE -> new SourceInfoNceLoss(config.temperature());
      case SOFT_TRIPLET -> throw new IllegalArgumentException("negative sources do not train the soft-triplet loss");
    };
  }

  /** Rows {@code idx} of {@code x}, on the graph. */
  static NDArray rows(NDArray x, int[] idx) {
    return x.get(new NDIndex("{}", x.getManager().create(idx)));
  }

  /** Row-wise L2 distance between equally shaped (T, d) arrays. */
  static NDArray l2(NDArray a, NDArray b) {
    return a.sub(b).square().sum(new int[] {1}).clip(DIST_EPS, Float.MAX_VALUE).sqrt();
  }

  /** The B x B matrix of L2 distances between the rows of {@code x}. */
  static NDArray pairwiseL2(NDArray x) {
    NDArray sq = x.square().sum(new int[] {1}, true);
    NDArray d2 = sq.add(sq.transpose()).sub(x.matMul(x.transpose()).mul(2f));
    return d2.clip(DIST_EPS, Float.MAX_VALUE).sqrt();
  }

  /** Reduces non-negative per-term losses; see {@link Reduction}. */
  static NDArray reduce(NDArray terms, Reduction reduction) {
    if (reduction == Reduction.MEAN) {
      return terms.mean();
    }
    NDArray active = terms.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum();
    return terms.sum().div(active.maximum(1f));
  }

  /** A zero scalar attached to the graph of {@code x}, so backward still runs. */
  static NDArray zero(NDArray x) {
    return x.sum().mul(0f);
  }
}
