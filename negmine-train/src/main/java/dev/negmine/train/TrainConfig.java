package dev.negmine.train;

import dev.negmine.train.curriculum.Curriculum;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.negatives.SourcesConfig;
import java.util.Locale;

/**
 * Everything that decides a training run's result. Two runs with equal configs and data end with
 * identical weights (single-threaded PyTorch, seeded everything). Build with {@link #builder()};
 * validated once, here. (A run's user-facing choices are a {@link dev.negmine.train.spec.RunSpec};
 * this is what it resolves to.)
 *
 * @param encoder encoder shape
 * @param curriculum miner / margin / batch / learning-rate schedule and the number of epochs
 * @param objective the loss, its reduction and temperature
 * @param learningRate Adam base learning rate
 * @param mPerClass items per class in a batch (M-per-class sampling); 0 = plain shuffling
 * @param seed seed of initialisation, sampling and miners
 * @param sources negative sources beyond the batch (mix, queue, pool), or null for the batch miner alone
 * @param more augmentation, stratified sampling, hierarchical tier, synthetic negatives (null = none)
 */
public record TrainConfig(
    EncoderSpec encoder,
    Curriculum curriculum,
    Objective objective,
    double learningRate,
    int mPerClass,
    long seed,
    SourcesConfig sources,
    MoreNegatives more) {

  /** The losses a run can train. */
  public enum LossKind {
    TRIPLET, SOFT_TRIPLET, CONTRASTIVE, INFONCE;

    /** {@code triplet}, {@code soft-triplet}, {@code contrastive} or {@code infonce}. */
    public static LossKind parse(String s) {
      for (LossKind k : values()) {
        if (k.label().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown loss '" + s + "' (expected triplet, soft-triplet, contrastive or infonce)");
    }

    /** The name as flags and configs spell it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * @param loss which loss
   * @param reduction averaging over active terms or all terms (triplet and contrastive)
   * @param temperature InfoNCE temperature
   */
  public record Objective(LossKind loss, Reduction reduction, double temperature) {
    public Objective {
      if (loss == null || reduction == null) {
        throw new IllegalArgumentException("loss and reduction must be set");
      }
      if (!(temperature > 0) || !Double.isFinite(temperature)) {
        throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
      }
    }
  }

  public TrainConfig {
    if (encoder == null || curriculum == null || objective == null) {
      throw new IllegalArgumentException("encoder, curriculum and objective must be set");
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (mPerClass < 0) {
      throw new IllegalArgumentException("m per class must be >= 0, got " + mPerClass);
    }
    LossKind loss = objective.loss();
    if (sources != null && loss == LossKind.SOFT_TRIPLET) {
      throw new IllegalArgumentException("negative sources (mix, queue, pool) train with triplet, contrastive or infonce, not soft-triplet");
    }
    if (sources != null && sources.dynamicInfoNce() && loss != LossKind.INFONCE) {
      throw new IllegalArgumentException("the dynamic source's InfoNCE setting needs the infonce loss, not " + loss.label());
    }
    if (more != null) {
      if (more.selfSupervised() && loss != LossKind.INFONCE) {
        throw new IllegalArgumentException("self-supervised training (simclr) uses the infonce loss, not " + loss.label());
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

  public static Builder builder() {
    return new Builder();
  }

  /** The loss (shorthand for {@code objective().loss()}). */
  public LossKind loss() {
    return objective.loss();
  }

  public Reduction reduction() {
    return objective.reduction();
  }

  public double temperature() {
    return objective.temperature();
  }

  public TrainConfig withCurriculum(Curriculum c) {
    return new TrainConfig(encoder, c, objective, learningRate, mPerClass, seed, sources, more);
  }

  /** Defaults: triplet loss, active-mean reduction, temperature 0.05, lr 0.003, 16 per class, seed 1, no sources. */
  public static final class Builder {
    private EncoderSpec encoder;
    private Curriculum curriculum;
    private LossKind loss = LossKind.TRIPLET;
    private Reduction reduction = Reduction.ACTIVE_MEAN;
    private double temperature = 0.05;
    private double learningRate = 0.003;
    private int mPerClass = 16;
    private long seed = 1;
    private SourcesConfig sources;
    private MoreNegatives more;

    public Builder encoder(EncoderSpec v) { encoder = v; return this; }
    public Builder curriculum(Curriculum v) { curriculum = v; return this; }
    public Builder loss(LossKind v) { loss = v; return this; }
    /** {@code triplet}, {@code soft-triplet}, {@code contrastive} or {@code infonce}. */
    public Builder loss(String v) { loss = LossKind.parse(v); return this; }
    public Builder reduction(Reduction v) { reduction = v; return this; }
    public Builder temperature(double v) { temperature = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder mPerClass(int v) { mPerClass = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    /** Negative sources beyond the batch miner (default none). */
    public Builder sources(SourcesConfig v) { sources = v; return this; }
    /** Strategies for more negatives per anchor (default none). */
    public Builder more(MoreNegatives v) { more = v; return this; }

    public TrainConfig build() {
      return new TrainConfig(encoder, curriculum, new Objective(loss, reduction, temperature), learningRate, mPerClass,
          seed, sources, more);
    }
  }
}
