package dev.negmine.train.spec;

import dev.negmine.train.MoreNegatives;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.augment.AugmentConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.negatives.SourcesConfig;
import dev.negmine.train.negatives.SyntheticNegatives;
import dev.negmine.train.sampling.CoarseGroups;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * How a {@link RunSpec} merges its recipe with the explicit options into the engine's
 * {@link TrainConfig}: the recipe gives the curriculum, loss, sources and strategies; explicit
 * options override them. Bad values throw {@link IllegalArgumentException} naming the option (as
 * the CLI spells it) and the value.
 */
public final class SpecResolver {
  private static final Set<String> LOSSES = Set.of("triplet", "soft-triplet", "contrastive", "infonce");

  private SpecResolver() {}

  /** Checks every value that does not need the data; called by {@link RunSpec.Builder#build()}. */
  static void validate(RunSpec s) {
    EncoderSpec.Kind.parse(s.encoder());
    Reduction.parse(s.reduction());
    if (s.loss() != null && !LOSSES.contains(s.loss())) {
      throw new IllegalArgumentException("--loss: unknown loss '" + s.loss() + "' (expected triplet, soft-triplet, contrastive or infonce)");
    }
    dynamicNegatives(s);
    positive("--epochs", s.epochs());
    if (s.batch() < 2) {
      throw new IllegalArgumentException("--batch must be >= 2, got " + s.batch());
    }
    if (s.mPerClass() < 0) {
      throw new IllegalArgumentException("--m-per-class must be >= 0, got " + s.mPerClass());
    }
    finitePositive("--lr", s.learningRate());
    finitePositive("--temperature", s.temperature());
    if (!Double.isFinite(s.margin()) || s.margin() < 0) {
      throw new IllegalArgumentException("--margin must be a finite number >= 0, got " + s.margin());
    }
    positive("--embedding-size", s.embeddingSize());
    if (!(s.valFraction() >= 0 && s.valFraction() < 1)) {
      throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + s.valFraction());
    }
    if (s.checkpointEvery() < 0) {
      throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + s.checkpointEvery());
    }
    if (s.poolTtl() != null) {
      duration(s.poolTtl());
    }
    if (s.queueMining() != null && !Set.of("hardest", "band").contains(s.queueMining().trim().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("--queue-mining must be hardest or band, got " + s.queueMining());
    }
    if (s.momentum() != null && !(s.momentum() > 0 && s.momentum() < 1)) {
      throw new IllegalArgumentException("--momentum must be in (0, 1), got " + s.momentum());
    }
    Recipes.curriculum(s.recipe(), s.epochs(), s.batch(), s.margin(), s.miner());
  }

  private static void positive(String option, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, got " + v);
    }
  }

  private static void finitePositive(String option, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(option + " must be a finite number > 0, got " + v);
    }
  }

  /** The training configuration for {@code train}, for data without a built-in class grouping. */
  public static TrainConfig toConfig(RunSpec s, LabeledData train) {
    return toConfig(s, train, null);
  }

  /**
   * The training configuration for {@code train}; {@code taskGroups} (nullable) is a built-in
   * task's own class grouping (WordNet: hypernym), used for sibling batches and stratification
   * unless {@code groups} names another.
   */
  public static TrainConfig toConfig(RunSpec s, LabeledData train, CoarseGroups taskGroups) {
    EncoderSpec spec = switch (EncoderSpec.Kind.parse(s.encoder())) {
      case MLP -> EncoderSpec.mlp(train.features().cols(), s.embeddingSize());
      case ADAPTER -> EncoderSpec.adapter(train.features().cols(), Defaults.ADAPTER_HIDDEN);
      case CNN -> {
        if (!train.isImage()) {
          throw new IllegalArgumentException("the cnn encoder needs square single-channel images, but "
              + train.source() + " holds " + train.features().cols() + "-dimensional features; use --encoder mlp");
        }
        yield new EncoderSpec(EncoderSpec.Kind.CNN, train.features().cols(), train.imageSide(), Defaults.CNN_CHANNELS,
            s.embeddingSize());
      }
    };
    return TrainConfig.builder().encoder(spec)
        .curriculum(Recipes.curriculum(s.recipe(), s.epochs(), s.batch(), s.margin(), s.miner()))
        .loss(resolvedLoss(s)).reduction(Reduction.parse(s.reduction())).temperature(s.temperature())
        .learningRate(s.learningRate()).mPerClass(s.mPerClass()).seed(s.seed())
        .sources(sources(s, train.size())).more(more(s, taskGroups)).build();
  }

  /**
   * The strategies for more negatives per anchor: the recipe's, with augment, groups, stratify,
   * tier and synthetic applied; a task's own class grouping is the default group map.
   */
  public static MoreNegatives more(RunSpec s, CoarseGroups taskGroups) {
    MoreNegatives r = Recipes.more(s.recipe());
    String stratify = s.stratify();
    boolean siblings = Recipes.siblingBatches(s.recipe()) || (stratify != null && stratify.trim().equalsIgnoreCase("siblings"));
    if (r == null && s.augment() == null && s.groups() == null && stratify == null && s.tier() == null
        && s.synthetic() == null && !siblings) {
      return null;
    }
    if (r == null) {
      r = MoreNegatives.none();
    }
    AugmentConfig aug = s.augment() != null ? AugmentConfig.parse(s.augment()) : r.augment();
    CoarseGroups g = r.groups();
    if (s.groups() != null) {
      try {
        g = CoarseGroups.load(s.groups());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--groups: cannot read " + s.groups() + ": " + e.getMessage());
      }
    } else if (g == null && taskGroups != null) {
      g = taskGroups;
    } else if (g == null && (stratify != null || Boolean.TRUE.equals(s.tier()))) {
      g = CoarseGroups.fashionMnist();
    }
    if (siblings && g == null) {
      throw new IllegalArgumentException("sibling batches need class groups: --groups FILE, or a task that has them (--task wordnet)");
    }
    int sc = r.stratifyClasses();
    int sg = r.stratifyFromGroup();
    if (stratify != null && !siblings) {
      String[] kv = stratify.split("/");
      try {
        sc = Integer.parseInt(kv[0].trim());
        sg = kv.length > 1 ? Integer.parseInt(kv[1].trim()) : sc;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--stratify: expected CLASSES[/FROM_GROUP], e.g. 5/4, got '" + stratify + "'");
      }
    }
    SyntheticNegatives syn = s.synthetic() != null ? SyntheticNegatives.parse(s.synthetic()) : r.synthetic();
    boolean t = s.tier() != null ? s.tier() : r.tier();
    MoreNegatives m = r.toBuilder().augment(aug).groups(g).stratify(siblings ? 0 : sc, siblings ? 0 : sg).tier(t)
        .synthetic(syn).siblingBatches(siblings).build();
    return m.any() || m.selfSupervised() ? m : null;
  }

  /** The loss: the explicit one, else infonce with dynamic negatives, else the recipe's. */
  public static String resolvedLoss(RunSpec s) {
    if (s.loss() != null) {
      return s.loss();
    }
    return dynamicNegatives(s) ? "infonce" : Recipes.defaultLoss(s.recipe());
  }

  /** {@code negatives = dynamic}: every negative from the dynamic tree index. */
  public static boolean dynamicNegatives(RunSpec s) {
    String n = s.negatives();
    if (n == null || n.equalsIgnoreCase("batch")) {
      return false;
    }
    if (n.equalsIgnoreCase("dynamic")) {
      return true;
    }
    throw new IllegalArgumentException("--negatives: unknown value '" + n + "' (expected batch or dynamic)");
  }

  /** The recipe's negative sources with the options applied; null when neither asks for any. */
  public static SourcesConfig sources(RunSpec s, int trainItems) {
    return SourcesFromSpec.build(s, trainItems);
  }

  /** {@code 48h}, {@code 90m}, {@code 2d}, {@code 30s} or ISO-8601 ({@code PT48H}); positive. */
  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        long v = Long.parseLong(t.substring(0, t.length() - 1));
        d = switch (t.charAt(t.length() - 1)) {
          case 'd' -> Duration.ofDays(v);
          case 'h' -> Duration.ofHours(v);
          case 'm' -> Duration.ofMinutes(v);
          case 's' -> Duration.ofSeconds(v);
          default -> throw new NumberFormatException();
        };
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--pool-ttl: cannot read '" + text + "' (use e.g. 48h, 90m, 2d or PT48H)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("--pool-ttl must be positive, got " + text);
    }
    return d;
  }
}
