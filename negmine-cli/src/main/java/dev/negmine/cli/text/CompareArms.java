package dev.negmine.cli.text;

import dev.negmine.text.finetune.FineTuneConfig;
import dev.negmine.text.finetune.MiningRule;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The arms {@code negmine compare} runs on retrieval data, each a change of the configuration the
 * command's options build (so every arm shares the rest: steps, learning rate, seeds, data):
 * <ul>
 *   <li>{@code hard}: the options as given (one mined hard negative under a 5 % relative margin by default);</li>
 *   <li>{@code in-batch}: no hard negatives, in-batch negatives only;</li>
 *   <li>{@code top-k}: mined hard negatives without any margin (the most similar non-positives);</li>
 *   <li>{@code margin}: mined with {@code relative_margin} 0.05 (sentence-transformers' / NV-Retriever's rule);</li>
 *   <li>{@code guide}: {@code hard} with bge-small-en-v1.5 masking false negatives (GISTEmbed, margin 0);</li>
 *   <li>{@code cached-4x}: {@code hard} at a 4x larger logical batch under gradient caching (32 texts per forward),
 *       over the same training pairs (a quarter of {@code --max-steps});</li>
 *   <li>{@code queue}: {@code hard} plus a 4,096-document cross-batch queue;</li>
 *   <li>{@code static}: {@code hard} with the pool re-mined with the current weights every R steps
 *       ({@code --pool-refresh-every}, default half of {@code --max-steps}), on the training thread like the
 *       index's refreshes (a background refresh of a short run may land after its end: measured, it did);</li>
 *   <li>{@code dynamic}: {@code hard}'s slots drawn from a dynamic tree index of the corpus instead, re-embedding
 *       as many documents over the run as {@code static} does (its refreshes x the corpus), spread over the steps.</li>
 * </ul>
 * The last two need {@code --max-steps} (the budget is per run) and the corpus size.
 */
public final class CompareArms {
  /** Every arm name, in the order the table lists them. */
  public static final List<String> NAMES = List.of("in-batch", "top-k", "margin", "hard", "guide", "cached-4x", "queue", "static",
      "dynamic");

  private CompareArms() {}

  /** As {@link #of(String, int)} for the arms that need no corpus size. */
  public static UnaryOperator<FineTuneConfig> of(String name) {
    return of(name, 0);
  }

  /**
   * The change arm {@code name} makes on a corpus of {@code corpusSize} documents; throws naming
   * the option and value when there is no such arm.
   */
  public static UnaryOperator<FineTuneConfig> of(String name, int corpusSize) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "hard" -> c -> c;
      case "in-batch" -> c -> withNegatives(c, 0, c.negatives().mining());
      case "top-k" -> c -> withNegatives(c, Math.max(1, c.negatives().perQuery()), margin(c.negatives().mining(), Double.NaN));
      case "margin" -> c -> withNegatives(c, Math.max(1, c.negatives().perQuery()), margin(c.negatives().mining(), 0.05));
      case "guide" -> c -> withLoss(c, new FineTuneConfig.Loss(c.loss().scale(), c.loss().symmetric(), c.loss().kind(),
          c.loss().inLossMargin(), new FineTuneConfig.Guide("bge-small-en-v1.5", 0, FineTuneConfig.MarginStrategy.ABSOLUTE),
          c.loss().cacheBatch()));
      case "cached-4x" -> c -> {
        FineTuneConfig.Loss l = c.loss();
        FineTuneConfig wide = withLoss(c, new FineTuneConfig.Loss(l.scale(), l.symmetric(), l.kind(), l.inLossMargin(), l.guide(), 32));
        // the same training pairs: a quarter of the steps (with epochs alone, the 4x batch already does that)
        FineTuneConfig.Schedule s = c.schedule();
        FineTuneConfig.Schedule quarter = s.maxSteps() == 0 ? s : new FineTuneConfig.Schedule(s.epochs(),
            Math.max(1, (s.maxSteps() + 3) / 4), s.learningRate(), s.warmup(), s.weightDecay(), s.maxGradNorm(),
            s.freezeEmbeddings(), s.frozenLayers());
        return new FineTuneConfig(wide.model(), wide.data(), 4 * c.batch(), wide.maxLength(), wide.seed(), quarter,
            wide.loss(), wide.negatives());
      };
      case "queue" -> c -> {
        FineTuneConfig.Negatives n = c.negatives();
        return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
            new FineTuneConfig.Negatives(n.perQuery(), n.mining(), n.refreshEvery(), 4096, n.mix(), n.mixTo(), n.unmined(), n.dynamic()));
      };
      case "static" -> c -> withRefresh(c, staticPeriod(c), 0);
      case "dynamic" -> c -> {
        int t = c.schedule().maxSteps();
        int r = staticPeriod(c);
        long refreshes = (t - 1) / r;
        if (corpusSize < 3) {
          throw new IllegalArgumentException("--arms dynamic: the corpus size is needed, got " + corpusSize);
        }
        // the static arm re-embeds the corpus at steps r, 2r, ... < t; the index re-embeds landmarks before steps 1 .. t-1
        int landmarks = (int) Math.max(2, (refreshes * corpusSize + t - 2) / Math.max(1, t - 1));
        return withRefresh(c, 0, landmarks);
      };
      default -> throw new IllegalArgumentException("--arms: expected one of " + String.join(", ", NAMES) + ", got '" + name + "'");
    };
  }

  /** The static pool's refresh period: {@code --pool-refresh-every}, else half the run. */
  static int staticPeriod(FineTuneConfig c) {
    int t = c.schedule().maxSteps();
    if (t < 2) {
      throw new IllegalArgumentException("--arms static/dynamic compare encoder budgets per run: give --max-steps >= 2");
    }
    return c.negatives().refreshEvery() > 0 ? c.negatives().refreshEvery() : Math.max(1, t / 2);
  }

  private static FineTuneConfig withRefresh(FineTuneConfig c, int refreshEvery, int dynamic) {
    FineTuneConfig.Negatives n = c.negatives();
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
        new FineTuneConfig.Negatives(Math.max(1, n.perQuery()), n.mining(), refreshEvery, n.queue(), n.mix(), n.mixTo(), n.unmined(),
            dynamic, refreshEvery > 0));
  }

  private static MiningRule margin(MiningRule r, double relative) {
    return new MiningRule(r.rangeMin(), r.rangeMax(), r.minScore(), r.maxScore(), r.absoluteMargin(), relative, r.count(),
        r.sampling());
  }

  private static FineTuneConfig withNegatives(FineTuneConfig c, int perQuery, MiningRule rule) {
    FineTuneConfig.Negatives n = c.negatives();
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
        new FineTuneConfig.Negatives(perQuery, rule, n.refreshEvery(), n.queue(), perQuery == 0 ? null : n.mix(),
            perQuery == 0 ? null : n.mixTo(), n.unmined(), perQuery == 0 ? 0 : n.dynamic()));
  }

  private static FineTuneConfig withLoss(FineTuneConfig c, FineTuneConfig.Loss loss) {
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), loss, c.negatives());
  }
}
