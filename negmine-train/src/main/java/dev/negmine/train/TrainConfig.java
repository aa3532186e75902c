package dev.negmine.train;

import dev.negmine.train.curriculum.Curriculum;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;

/**
 * Everything that decides a training run's result. Two runs with equal configs and data end with
 * identical weights (single-threaded PyTorch, seeded everything).
 *
 * @param encoder encoder shape
 * @param curriculum miner / margin / batch / learning-rate schedule and the number of epochs
 * @param loss {@code triplet}, {@code soft-triplet}, {@code contrastive} or {@code infonce}
 * @param reduction averaging over active terms or all terms
 * @param temperature InfoNCE temperature
 * @param learningRate Adam base learning rate
 * @param mPerClass items per class in a batch (M-per-class sampling); 0 = plain shuffling
 * @param seed seed of initialisation, sampling and miners
 * @param sources negative sources beyond the batch (mix, queue, pool), or null for the batch miner alone
 * @param more augmentation, stratified sampling, hierarchical tier, synthetic negatives (null = none)
 */
public record TrainConfig(
    EncoderSpec encoder,
    Curriculum curriculum,
    String loss,
    Reduction reduction,
    double temperature,
    double learningRate,
    int mPerClass,
    long seed,
    dev.negmine.train.negatives.SourcesConfig sources,
    MoreNegatives more) {

  /** A configuration without the strategies for more negatives per anchor. */
  public TrainConfig(EncoderSpec encoder, Curriculum curriculum, String loss, Reduction reduction, double temperature,
      double learningRate, int mPerClass, long seed, dev.negmine.train.negatives.SourcesConfig sources) {
    this(encoder, curriculum, loss, reduction, temperature, learningRate, mPerClass, seed, sources, null);
  }

  /** A configuration without extra negative sources. */
  public TrainConfig(EncoderSpec encoder, Curriculum curriculum, String loss, Reduction reduction, double temperature,
      double learningRate, int mPerClass, long seed) {
    this(encoder, curriculum, loss, reduction, temperature, learningRate, mPerClass, seed, null, null);
  }

  public TrainConfig {
    if (encoder == null || curriculum == null || loss == null || reduction == null) {
      throw new IllegalArgumentException("encoder, curriculum, loss and reduction must be set");
    }
    if (!java.util.Set.of("triplet", "soft-triplet", "contrastive", "infonce").contains(loss)) {
      throw new IllegalArgumentException("unknown loss '" + loss + "' (expected triplet, soft-triplet, contrastive or infonce)");
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (mPerClass < 0) {
      throw new IllegalArgumentException("m per class must be >= 0, got " + mPerClass);
    }
    if (sources != null && loss.equals("soft-triplet")) {
      throw new IllegalArgumentException("negative sources (mix, queue, pool) train with triplet, contrastive or infonce, not " + loss);
    }
    if (sources != null && sources.dynamicInfoNce() && !loss.equals("infonce")) {
      throw new IllegalArgumentException("the dynamic source's InfoNCE setting needs the infonce loss, not " + loss);
    }
    if (more != null) {
      if (more.selfSupervised() && !loss.equals("infonce")) {
        throw new IllegalArgumentException("self-supervised training (simclr) uses the infonce loss, not " + loss);
      }
      if (more.selfSupervised() && sources != null) {
        throw new IllegalArgumentException("self-supervised training (simclr) takes its negatives from the batch's views, not from sources");
      }
      if ((more.tier() || more.synthetic() != null) && sources == null) {
        throw new IllegalArgumentException("the hierarchical tier and synthetic negatives need negative sources (--mix / a mixing recipe)");
      }
      if (more.tier() && sources.queueSize() == 0) {
        throw new IllegalArgumentException("the hierarchical tier stratifies the memory queue: it needs --queue N");
      }
    }
  }

  public TrainConfig withCurriculum(Curriculum c) {
    return new TrainConfig(encoder, c, loss, reduction, temperature, learningRate, mPerClass, seed, sources, more);
  }
}
