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
 *   <li>{@code cached-4x}: {@code hard} at a 4x larger logical batch under gradient caching (32 texts per forward);</li>
 *   <li>{@code queue}: {@code hard} plus a 4,096-document cross-batch queue.</li>
 * </ul>
 */
public final class CompareArms {
  /** Every arm name, in the order the table lists them. */
  public static final List<String> NAMES = List.of("in-batch", "top-k", "margin", "hard", "guide", "cached-4x", "queue");

  private CompareArms() {}

  /** The change arm {@code name} makes; throws naming the option and value when there is no such arm. */
  public static UnaryOperator<FineTuneConfig> of(String name) {
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
        return new FineTuneConfig(wide.model(), wide.data(), 4 * c.batch(), wide.maxLength(), wide.seed(), wide.schedule(),
            wide.loss(), wide.negatives());
      };
      case "queue" -> c -> {
        FineTuneConfig.Negatives n = c.negatives();
        return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
            new FineTuneConfig.Negatives(n.perQuery(), n.mining(), n.refreshEvery(), 4096, n.mix(), n.mixTo(), n.unmined()));
      };
      default -> throw new IllegalArgumentException("--arms: expected one of " + String.join(", ", NAMES) + ", got '" + name + "'");
    };
  }

  private static MiningRule margin(MiningRule r, double relative) {
    return new MiningRule(r.rangeMin(), r.rangeMax(), r.minScore(), r.maxScore(), r.absoluteMargin(), relative, r.count(),
        r.sampling());
  }

  private static FineTuneConfig withNegatives(FineTuneConfig c, int perQuery, MiningRule rule) {
    FineTuneConfig.Negatives n = c.negatives();
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
        new FineTuneConfig.Negatives(perQuery, rule, n.refreshEvery(), n.queue(), perQuery == 0 ? null : n.mix(),
            perQuery == 0 ? null : n.mixTo(), n.unmined()));
  }

  private static FineTuneConfig withLoss(FineTuneConfig c, FineTuneConfig.Loss loss) {
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), loss, c.negatives());
  }
}
