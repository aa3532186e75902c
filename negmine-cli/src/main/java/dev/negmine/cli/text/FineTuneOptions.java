package dev.negmine.cli.text;

import dev.negmine.text.finetune.FineTuneConfig;
import dev.negmine.text.finetune.MiningRule;
import dev.negmine.text.transformer.TransformerSpec;
import picocli.CommandLine.Option;

/**
 * The options only retrieval fine-tuning takes (a picocli mixin of {@code train} and
 * {@code compare}); the shared ones ({@code --epochs}, {@code --batch}, {@code --lr},
 * {@code --temperature}, {@code --seed}, {@code --text-encoder}, {@code --pool-refresh-every})
 * are the commands' own and are passed to {@link #config}. Defaults and why: {@link FineTuneConfig}.
 */
public final class FineTuneOptions {
  @Option(names = "--max-steps", description = "fine-tuning: stop after N steps (default: the epochs decide)")
  Integer maxSteps;
  @Option(names = "--hard-negatives", description = "fine-tuning: mined hard negatives per query per step; 0 = in-batch negatives only (default 1)")
  Integer hardNegatives;
  @Option(names = "--mined-per-query", description = "fine-tuning: candidates mined per query, drawn from each step (default: --hard-negatives)")
  Integer minedPerQuery;
  @Option(names = "--relative-margin", description = "fine-tuning: a mined negative scores <= positive - |positive| * m (default 0.05)")
  Double relativeMargin;
  @Option(names = "--absolute-margin", description = "fine-tuning: a mined negative scores <= positive - m (default: no rule)")
  Double absoluteMargin;
  @Option(names = "--range-min", description = "fine-tuning: skip the N most similar candidates (default 0)")
  Integer rangeMin;
  @Option(names = "--range-max", description = "fine-tuning: consider the N most similar candidates (default 100)")
  Integer rangeMax;
  @Option(names = "--max-score", description = "fine-tuning: drop candidates scoring above this (default: none)")
  Double maxScore;
  @Option(names = "--min-score", description = "fine-tuning: drop candidates scoring below this (default: none)")
  Double minScore;
  @Option(names = "--unmined", description = "fine-tuning: a query with no candidate under the mining rule trains against random"
      + " documents (random, default) or is left out of training (drop, as sentence-transformers' mine_hard_negatives)")
  String unmined;
  @Option(names = "--sampling", description = "fine-tuning: top (the most similar admitted candidates, default) or random")
  String sampling;
  @Option(names = "--max-length", description = "fine-tuning: word pieces per text while training (default 128; inference uses the model's)")
  Integer maxLength;
  @Option(names = "--warmup", description = "fine-tuning: fraction of steps of linear warm-up (default 0.1)")
  Double warmup;
  @Option(names = "--weight-decay", description = "fine-tuning: AdamW decoupled weight decay, not on biases and LayerNorm (default 0.01)")
  Double weightDecay;
  @Option(names = "--max-grad-norm", description = "fine-tuning: clip the global gradient norm; 0 = never (default 1.0)")
  Double maxGradNorm;
  @Option(names = "--freeze-embeddings", description = "fine-tuning: keep the embedding tables fixed")
  boolean freezeEmbeddings;
  @Option(names = "--freeze-layers", description = "fine-tuning: keep the lowest N transformer layers fixed (default 0)")
  Integer freezeLayers;
  @Option(names = "--symmetric", description = "fine-tuning: also rank the batch's queries for each positive (symmetric MNRL)")
  boolean symmetric;
  @Option(names = "--cache-batch", description = "fine-tuning: gradient caching, N texts per forward pass: memory of N texts"
      + " whatever --batch, about one more forward pass of compute; 0 = off (default 0)")
  Integer cacheBatch;

  private Integer queue;
  private String mix;
  private String mixTo;

  private int dynamic;
  /** Documents re-embedded per step for the dynamic index when {@code --dynamic-landmarks} is not given. */
  public static final int DYNAMIC_LANDMARKS = 256;

  /**
   * The negative-source options {@code train} shares with the image pipeline ({@code --queue},
   * {@code --mix}, {@code --mix-to}, {@code --negatives}, {@code --dynamic-landmarks}), which
   * fine-tuning takes too; null = none. The dynamic index is on with {@code --negatives dynamic}
   * or a {@code dynamic} share in a mix.
   */
  public FineTuneOptions sources(Integer queueRows, String mixSpec, String mixToSpec, String negatives, Integer landmarks) {
    this.queue = queueRows;
    this.mix = mixSpec;
    this.mixTo = mixToSpec;
    String n = negatives == null ? "batch" : negatives.trim().toLowerCase(java.util.Locale.ROOT);
    if (!n.equals("batch") && !n.equals("dynamic")) {
      throw new IllegalArgumentException("--negatives must be batch or dynamic, got '" + negatives + "'");
    }
    boolean on = n.equals("dynamic") || mentionsDynamic(mixSpec) || mentionsDynamic(mixToSpec);
    if (landmarks != null && !on) {
      throw new IllegalArgumentException("--dynamic-landmarks " + landmarks + " needs --negatives dynamic (or a dynamic share in --mix)");
    }
    if (landmarks != null && landmarks < 1) {
      throw new IllegalArgumentException("--dynamic-landmarks must be >= 1, got " + landmarks);
    }
    this.dynamic = on ? or(landmarks, DYNAMIC_LANDMARKS) : 0;
    return this;
  }

  private static boolean mentionsDynamic(String spec) {
    return spec != null && spec.toLowerCase(java.util.Locale.ROOT).contains("dynamic");
  }
  /** {@code mnrl} or {@code margin-mse}, set by the command that owns {@code --loss} (train's is shared with the image pipeline). */
  public String loss;
  @Option(names = "--pool-refresh-inline", description = "fine-tuning: re-mine at each --pool-refresh-every step on the training"
      + " thread with the current weights (training waits) instead of in the background")
  boolean refreshInline;
  @Option(names = "--guide-model", description = "fine-tuning: a frozen second encoder (e.g. bge-small-en-v1.5) whose scores mask"
      + " false negatives (GISTEmbed) and teach --loss margin-mse (default: none)")
  String guideModel;
  @Option(names = "--guide-margin", description = "fine-tuning: mask a negative the guide scores above its query's positive"
      + " minus this (default 0)")
  Double guideMargin;
  @Option(names = "--guide-margin-strategy", description = "fine-tuning: absolute (positive - m, default) or relative"
      + " (positive - |positive| * m)")
  String guideMarginStrategy;
  @Option(names = "--in-loss-mask", description = "fine-tuning: drop negatives the trained model scores above its query's"
      + " positive + this cosine margin (Qwen3-Embedding: 0.1; default off)")
  Double inLossMask;

  /**
   * The configuration from these options and the shared ones (null = default).
   *
   * @param hardNegativesOverride used instead of {@code --hard-negatives} when not null (compare's arms)
   */
  public FineTuneConfig config(String data, String model, Integer epochs, Integer batch, Double lr, Double temperature, long seed,
      Long refreshEvery, Integer hardNegativesOverride) {
    FineTuneConfig d = FineTuneConfig.defaults(data);
    FineTuneConfig.Schedule ds = d.schedule();
    FineTuneConfig.Schedule s = new FineTuneConfig.Schedule(or(epochs, ds.epochs()), or(maxSteps, ds.maxSteps()),
        or(lr, ds.learningRate()), or(warmup, ds.warmup()), or(weightDecay, ds.weightDecay()), or(maxGradNorm, ds.maxGradNorm()),
        freezeEmbeddings, or(freezeLayers, ds.frozenLayers()));
    int h = hardNegativesOverride != null ? hardNegativesOverride : or(hardNegatives, d.negatives().perQuery());
    MiningRule dm = d.negatives().mining();
    MiningRule rule = new MiningRule(or(rangeMin, dm.rangeMin()), or(rangeMax, dm.rangeMax()), or(minScore, dm.minScore()),
        or(maxScore, dm.maxScore()), or(absoluteMargin, dm.absoluteMargin()), or(relativeMargin, dm.relativeMargin()),
        or(minedPerQuery, Math.max(1, h)), sampling);
    if (refreshEvery != null && refreshEvery > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--pool-refresh-every: too large, got " + refreshEvery);
    }
    FineTuneConfig.Negatives n = new FineTuneConfig.Negatives(h, rule, refreshEvery == null ? 0 : refreshEvery.intValue(),
        queue == null ? 0 : queue, mix, mixTo, unmined == null ? null : unmined.trim().toLowerCase(java.util.Locale.ROOT), dynamic, refreshInline);
    if (temperature != null && !(temperature > 0)) {
      throw new IllegalArgumentException("--temperature must be > 0, got " + temperature);
    }
    FineTuneConfig.Kind kind = loss == null ? FineTuneConfig.Kind.MNRL : FineTuneConfig.Kind.parse(loss);
    if (kind == FineTuneConfig.Kind.MARGIN_MSE && temperature != null) {
      throw new IllegalArgumentException("--temperature applies to --loss mnrl; margin-mse compares unscaled cosines, got "
          + temperature);
    }
    FineTuneConfig.Loss lossConfig = new FineTuneConfig.Loss(temperature == null ? d.loss().scale() : 1 / temperature, symmetric,
        kind, inLossMask, guide(kind), or(cacheBatch, d.loss().cacheBatch()));
    String m = model == null ? TransformerSpec.DEFAULT : model.trim().toLowerCase(java.util.Locale.ROOT);
    if (!TransformerSpec.names().contains(m)) {
      throw new IllegalArgumentException("--text-encoder: '" + model + "' cannot be fine-tuned (expected one of "
          + String.join(", ", TransformerSpec.names()) + "; the quantised -q models are for the adapter)");
    }
    return new FineTuneConfig(m, data, or(batch, d.batch()), or(maxLength, d.maxLength()), seed, s, lossConfig, n);
  }

  /** The guide from {@code --guide-*} (null without {@code --guide-model}); its margin masks only under MNRL. */
  private FineTuneConfig.Guide guide(FineTuneConfig.Kind kind) {
    if (guideModel == null) {
      if (guideMargin != null || guideMarginStrategy != null) {
        throw new IllegalArgumentException((guideMargin != null ? "--guide-margin " + guideMargin
            : "--guide-margin-strategy " + guideMarginStrategy) + " needs --guide-model NAME");
      }
      return null;
    }
    if (kind == FineTuneConfig.Kind.MARGIN_MSE && (guideMargin != null || guideMarginStrategy != null)) {
      throw new IllegalArgumentException("--guide-margin and --guide-margin-strategy apply to --loss mnrl; with margin-mse the"
          + " guide is the teacher and masks nothing");
    }
    return new FineTuneConfig.Guide(guideModel.trim().toLowerCase(java.util.Locale.ROOT), or(guideMargin, 0.0),
        guideMarginStrategy == null ? null : FineTuneConfig.MarginStrategy.parse(guideMarginStrategy));
  }

  /** Whether {@code name} is a fine-tuning loss ({@link FineTuneConfig.Kind}) rather than an image-pipeline one. */
  public static boolean isRetrievalLoss(String name) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    return n.equals("mnrl") || n.equals("margin-mse");
  }

  private static <T> T or(T v, T fallback) {
    return v != null ? v : fallback;
  }
}
