package dev.negmine.text.finetune;

import dev.negmine.text.transformer.TransformerSpec;

/**
 * Everything that decides a retrieval fine-tuning run, saved in the run directory (so
 * {@code --resume} and {@code --model RUN} need nothing else) and validated once here.
 *
 * @param model trainable encoder name ({@link TransformerSpec#names})
 * @param data BEIR directory (or a built-in task's, resolved by the caller), as given
 * @param batch queries per step; with {@code h} hard negatives a step embeds {@code batch * (2 + h)} texts
 * @param maxLength word pieces per text while training (inference keeps the model's own maximum)
 * @param seed seed of the batch order, dropout and negative sampling
 * @param schedule optimizer and learning-rate schedule
 * @param loss the retrieval loss and its false-negative controls
 * @param negatives hard negatives mined from the corpus, and how they are kept current
 */
public record FineTuneConfig(String model, String data, int batch, int maxLength, long seed, Schedule schedule, Loss loss,
    Negatives negatives) {

  /** Queries per step: sentence-transformers' recipe (and MNRL's usual 32: larger wants more memory than 2 cores give time). */
  public static final int BATCH = 32;
  /** Training sequence length: the recipe's 128 (queries are a few words; most documents' signal is early). */
  public static final int MAX_LENGTH = 128;

  public FineTuneConfig {
    TransformerSpec.of(model);
    if (batch < 2) {
      throw new IllegalArgumentException("--batch must be >= 2 (in-batch negatives need two queries), got " + batch);
    }
    if (maxLength < 8) {
      throw new IllegalArgumentException("--max-length must be >= 8, got " + maxLength);
    }
    if (loss != null && negatives != null && loss.kind() == Kind.MARGIN_MSE && negatives.perQuery() < 1) {
      throw new IllegalArgumentException("--loss margin-mse needs hard negatives: --hard-negatives must be >= 1, got "
          + negatives.perQuery());
    }
    if (loss != null && negatives != null && loss.kind() == Kind.MARGIN_MSE && (negatives.queue() > 0 || negatives.mix() != null)) {
      throw new IllegalArgumentException("--loss margin-mse distils each query's own positive and hard negatives: it takes"
          + " neither --queue nor --mix");
    }
  }

  /**
   * AdamW with warm-up then linear decay to zero, as sentence-transformers' trainer (the
   * transformers {@code get_linear_schedule_with_warmup}).
   *
   * @param epochs passes over the training queries (each query once per epoch, one of its positives)
   * @param maxSteps stop after this many steps (0 = the epochs decide); the schedule spans the steps actually run
   * @param learningRate peak learning rate; 2e-5 is the recipe's for small BERTs (higher forgets the pretraining)
   * @param warmup fraction of the steps spent warming up linearly from 0 (0.1)
   * @param weightDecay decoupled decay on all weights but biases and LayerNorm (0.01, BERT's)
   * @param maxGradNorm global gradient-norm clip (1.0, transformers' default; 0 = none)
   * @param freezeEmbeddings keep the embedding tables fixed
   * @param frozenLayers keep the lowest N encoder layers fixed
   */
  public record Schedule(int epochs, int maxSteps, double learningRate, double warmup, double weightDecay, double maxGradNorm,
      boolean freezeEmbeddings, int frozenLayers) {
    public static Schedule defaults() {
      return new Schedule(1, 0, 2e-5, 0.1, 0.01, 1.0, false, 0);
    }

    public Schedule {
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
      }
      if (maxSteps < 0) {
        throw new IllegalArgumentException("--max-steps must be >= 0, got " + maxSteps);
      }
      if (!(learningRate > 0) || learningRate > 1) {
        throw new IllegalArgumentException("--lr must be in (0, 1], got " + learningRate);
      }
      if (!(warmup >= 0 && warmup < 1)) {
        throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmup);
      }
      if (!(weightDecay >= 0) || !(maxGradNorm >= 0)) {
        throw new IllegalArgumentException("--weight-decay and --max-grad-norm must be >= 0, got " + weightDecay + ", " + maxGradNorm);
      }
      if (frozenLayers < 0) {
        throw new IllegalArgumentException("--freeze-layers must be >= 0, got " + frozenLayers);
      }
    }

    /** Learning rate of step {@code s} (0-based) of {@code total}: linear warm-up, then linear decay to 0. */
    public double learningRateAt(long s, long total) {
      long warm = (long) Math.ceil(warmup * total);
      if (s < warm) {
        return learningRate * (s + 1) / (double) warm;
      }
      return learningRate * Math.max(0, total - s) / (double) Math.max(1, total - warm);
    }
  }

  /**
   * The retrieval loss and its false-negative controls.
   *
   * @param scale similarities are multiplied by this before the softmax (20, MNRL's: temperature 0.05)
   * @param symmetric also rank the queries for each positive document (MultipleNegativesSymmetricRankingLoss)
   * @param kind the loss ({@link Kind}); null (a configuration saved before it existed) reads as {@link Kind#MNRL}
   * @param inLossMargin Qwen3-Embedding's in-loss mask: for query {@code i}, drop column {@code c != i}
   *     whose trained-model cosine exceeds {@code cos(q_i, d_i) + inLossMargin}; null = off
   * @param guide a frozen second model that masks false negatives out of MNRL (GISTEmbed) and is the
   *     teacher of {@link Kind#MARGIN_MSE}; null = none
   * @param cacheBatch texts per forward pass under gradient caching (sentence-transformers'
   *     {@code CachedMultipleNegativesRankingLoss} {@code mini_batch_size}; {@link CachedLossStep}):
   *     the same loss and gradient, with memory bounded by this many texts' activations instead of
   *     the whole step's, for about one more forward pass of compute; 0 = no caching (one graph
   *     over the step). A configuration saved without it reads as 0.
   */
  public record Loss(double scale, boolean symmetric, Kind kind, Double inLossMargin, Guide guide, int cacheBatch) {
    public static Loss defaults() {
      return new Loss(20, false);
    }

    /** Multiple-negatives ranking without false-negative controls or gradient caching. */
    public Loss(double scale, boolean symmetric) {
      this(scale, symmetric, Kind.MNRL, null, null, 0);
    }

    /** Multiple-negatives ranking, gradient-cached with {@code cacheBatch} texts per forward (0 = not). */
    public Loss(double scale, boolean symmetric, int cacheBatch) {
      this(scale, symmetric, Kind.MNRL, null, null, cacheBatch);
    }

    /** A loss with false-negative controls, not gradient-cached. */
    public Loss(double scale, boolean symmetric, Kind kind, Double inLossMargin, Guide guide) {
      this(scale, symmetric, kind, inLossMargin, guide, 0);
    }

    public Loss {
      kind = kind == null ? Kind.MNRL : kind;
      if (!(scale > 0) || scale > 1000) {
        throw new IllegalArgumentException("--scale must be in (0, 1000], got " + scale);
      }
      if (cacheBatch < 0) {
        throw new IllegalArgumentException("--cache-batch must be >= 0 (0 = no gradient caching), got " + cacheBatch);
      }
      if (inLossMargin != null && !(inLossMargin >= 0 && inLossMargin <= 2)) {
        throw new IllegalArgumentException("--in-loss-mask must be in [0, 2] (a cosine margin), got " + inLossMargin);
      }
      if (kind == Kind.MARGIN_MSE) {
        if (guide == null) {
          throw new IllegalArgumentException("--loss margin-mse needs a teacher: give --guide-model NAME");
        }
        if (symmetric || inLossMargin != null) {
          throw new IllegalArgumentException("--loss margin-mse: --symmetric and --in-loss-mask apply to --loss mnrl only");
        }
      }
    }
  }

  /** Which loss a step differentiates. */
  public enum Kind {
    /** Multiple-negatives ranking (InfoNCE over in-batch and hard negatives), masks applied. */
    @com.google.gson.annotations.SerializedName("mnrl") MNRL,
    /**
     * sentence-transformers' {@code MarginMSELoss}: mean over (query, positive, hard negative) of
     * {@code ((s(q,p) - s(q,n)) - (t(q,p) - t(q,n)))^2}, {@code s} the trained model's cosine, {@code t} the guide's.
     */
    @com.google.gson.annotations.SerializedName("margin-mse") MARGIN_MSE;

    /** The kind a CLI name ({@code mnrl}, {@code margin-mse}) names. */
    public static Kind parse(String name) {
      return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "mnrl" -> MNRL;
        case "margin-mse" -> MARGIN_MSE;
        default -> throw new IllegalArgumentException("--loss: expected mnrl or margin-mse, got '" + name + "'");
      };
    }
  }

  /**
   * GISTEmbed's guide: a frozen pretrained encoder whose cosines decide which negatives are false.
   * Column {@code c} of query {@code i} (any column but {@code i}) is masked where
   * {@code g(q_i, d_c) > g(q_i, d_i) - margin} ({@link MarginStrategy#ABSOLUTE}) or
   * {@code > g(q_i, d_i) - |g(q_i, d_i)| * margin} ({@link MarginStrategy#RELATIVE}).
   *
   * @param model a {@link TransformerSpec#names} name (bge-small-en-v1.5 when MiniLM trains)
   * @param margin 0 masks exactly the negatives the guide scores above the positive
   * @param strategy null reads as {@link MarginStrategy#ABSOLUTE}
   */
  public record Guide(String model, double margin, MarginStrategy strategy) {
    public Guide {
      if (model == null || !TransformerSpec.names().contains(model)) {
        throw new IllegalArgumentException("--guide-model: '" + model + "' is not a bundled encoder (expected one of "
            + String.join(", ", TransformerSpec.names()) + ")");
      }
      if (!(margin >= -1 && margin <= 1)) {
        throw new IllegalArgumentException("--guide-margin must be in [-1, 1], got " + margin);
      }
      strategy = strategy == null ? MarginStrategy.ABSOLUTE : strategy;
    }
  }

  /** How {@link Guide#margin} lowers the guide's threshold (sentence-transformers' {@code margin_strategy}). */
  public enum MarginStrategy {
    @com.google.gson.annotations.SerializedName("absolute") ABSOLUTE,
    @com.google.gson.annotations.SerializedName("relative") RELATIVE;

    public static MarginStrategy parse(String name) {
      return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "absolute" -> ABSOLUTE;
        case "relative" -> RELATIVE;
        default -> throw new IllegalArgumentException("--guide-margin-strategy: expected absolute or relative, got '" + name + "'");
      };
    }
  }

  /**
   * Hard negatives: per training query, candidates mined from the corpus with a model (the frozen
   * one first), positives never among them; each step uses {@code perQuery} of them per query.
   *
   * @param perQuery hard-negative slots per query per step (0 = in-batch negatives only)
   * @param mining what is a hard negative ({@link MiningRule})
   * @param refreshEvery re-mine with a snapshot of the current weights every N steps, in the
   *     background (ANCE); 0 = keep the frozen model's candidates
   * @param queue documents of earlier steps kept as extra negatives of every query (cross-batch
   *     memory, {@link DocumentQueue}); 0 = none
   * @param mix which source fills each hard-negative slot, e.g. {@code offline=0.5,random=0.5}
   *     (offline = the mined candidates, random = a random corpus document, in-batch = no extra
   *     document: the slot is left to the batch's negatives); null = all offline
   * @param mixTo the mix reached at the middle of the run, ramped linearly from {@code mix} (a
   *     curriculum, e.g. random first then mined); null = {@code mix} throughout
   * @param unmined what a query with no candidate under the mining rule does: {@code random}
   *     (trains against random documents; null means this) or {@code drop} (left out of training,
   *     as sentence-transformers' {@code mine_hard_negatives} leaves it out of its triplets)
   * @param dynamic documents re-embedded per step to keep a dynamic tree index of the corpus current
   *     ({@link DynamicCorpus}, the encoder budget); its draws fill every hard-negative slot, or
   *     under a mix the {@code dynamic} ones; 0 = no dynamic index
   * @param refreshInline re-mine on the training thread with the current weights at each refresh
   *     step (training waits for it), instead of in the background: the new candidates serve from
   *     that step on, whatever the step's cost (a short run's background refresh may land after its end)
   */
  public record Negatives(int perQuery, MiningRule mining, int refreshEvery, int queue, String mix, String mixTo, String unmined,
      int dynamic, boolean refreshInline) {
    /** The largest queue: 65,536 rows of 384 floats is 100 MB and a 32 x 65,536 product per step. */
    public static final int MAX_QUEUE = 65_536;

    public static Negatives defaults() {
      return new Negatives(1, MiningRule.defaults(), 0, 0, null, null, null);
    }

    /** Without a dynamic index. */
    public Negatives(int perQuery, MiningRule mining, int refreshEvery, int queue, String mix, String mixTo, String unmined) {
      this(perQuery, mining, refreshEvery, queue, mix, mixTo, unmined, 0, false);
    }

    /** Refreshes, if any, in the background. */
    public Negatives(int perQuery, MiningRule mining, int refreshEvery, int queue, String mix, String mixTo, String unmined,
        int dynamic) {
      this(perQuery, mining, refreshEvery, queue, mix, mixTo, unmined, dynamic, false);
    }

    /** Mined candidates only, no queue (the usual recipe). */
    public Negatives(int perQuery, MiningRule mining, int refreshEvery) {
      this(perQuery, mining, refreshEvery, 0, null, null, null);
    }

    public Negatives {
      if (perQuery < 0 || perQuery > 16) {
        throw new IllegalArgumentException("--hard-negatives must be in 0..16, got " + perQuery);
      }
      if (refreshEvery < 0) {
        throw new IllegalArgumentException("--pool-refresh-every must be >= 0, got " + refreshEvery);
      }
      if (queue < 0 || queue > MAX_QUEUE) {
        throw new IllegalArgumentException("--queue must be in 0.." + MAX_QUEUE + ", got " + queue);
      }
      if (mixTo != null && mix == null) {
        throw new IllegalArgumentException("--mix-to needs --mix (the mix it ramps from)");
      }
      if (dynamic < 0) {
        throw new IllegalArgumentException("--dynamic-landmarks must be >= 1, got " + dynamic);
      }
      if (dynamic > 0 && perQuery == 0) {
        throw new IllegalArgumentException("--negatives dynamic fills hard-negative slots: give --hard-negatives >= 1");
      }
      if (mix != null) {
        SlotSources.check("--mix", mix, dynamic > 0);
        if (perQuery == 0) {
          throw new IllegalArgumentException("--mix fills hard-negative slots: give --hard-negatives >= 1");
        }
      }
      if (mixTo != null) {
        SlotSources.check("--mix-to", mixTo, dynamic > 0);
      }
      if (unmined != null && !unmined.equals("random") && !unmined.equals("drop")) {
        throw new IllegalArgumentException("--unmined must be random or drop, got '" + unmined + "'");
      }
    }

    /** Whether queries without a mined candidate are left out of training. */
    public boolean dropsUnmined() {
      return "drop".equals(unmined) && perQuery > 0;
    }
  }

  /** The defaults of a run on {@code data}. */
  public static FineTuneConfig defaults(String data) {
    return new FineTuneConfig(TransformerSpec.DEFAULT, data, BATCH, MAX_LENGTH, 1, Schedule.defaults(), Loss.defaults(),
        Negatives.defaults());
  }
}
