package dev.negmine.cli.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.negatives.DynamicSource;
import dev.negmine.train.negatives.SourcesConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resolved options of a training job, saved as {@code cli.json} in the run directory so that
 * {@code --resume RUN} rebuilds exactly the same job. Paths are stored as given.
 */
record TrainOptions(
    String data,
    String labels,
    String evalData,
    String evalLabels,
    String recipe,
    String encoder,
    int epochs,
    int batch,
    int mPerClass,
    String miner,
    String loss,
    String reduction,
    double margin,
    double temperature,
    double learningRate,
    int embeddingSize,
    long seed,
    double valFraction,
    int checkpointEvery,
    Integer queue,
    Integer queueWarmup,
    Double momentum,
    String pool,
    Integer poolPerAnchor,
    String poolExpiry,
    Long poolRefreshEvery,
    Integer poolTop,
    String poolTtl,
    String mix,
    String mixTo,
    Integer slots,
    String task,
    String textEncoder,
    Integer maxBadLines,
    String negatives,
    Integer dynamicLandmarks,
    String extraGradients,

    String augment,
    String groups,
    String stratify,
    Boolean tier,
    String synthetic) {

  static final String FILE = "cli.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** The training configuration for data whose items have {@code inputDim} features. */
  TrainConfig toConfig(LabeledData train) {
    return toConfig(train, null);
  }

  /**
   * The training configuration; {@code taskGroups} (nullable) is a built-in task's own class
   * grouping (WordNet: hypernym), used for sibling batches and stratification unless --groups
   * names another.
   */
  TrainConfig toConfig(LabeledData train, dev.negmine.train.sampling.CoarseGroups taskGroups) {
    EncoderSpec.Kind kind = EncoderSpec.Kind.parse(encoder);
    EncoderSpec spec = switch (kind) {
      case MLP -> EncoderSpec.mlp(train.features().cols(), embeddingSize);
      case ADAPTER -> EncoderSpec.adapter(train.features().cols(), TextJobs.ADAPTER_HIDDEN);
      case CNN -> {
        if (!train.isImage()) {
          throw new IllegalArgumentException("the cnn encoder needs square single-channel images, but "
              + train.source() + " holds " + train.features().cols() + "-dimensional features; use --encoder mlp");
        }
        yield new EncoderSpec(EncoderSpec.Kind.CNN, train.features().cols(), train.imageSide(),
            TrainCommand.CNN_CHANNELS, embeddingSize);
      }
    };
    String l = resolvedLoss();
    return new TrainConfig(spec, Recipes.curriculum(recipe, epochs, batch, margin, miner), l,
        Reduction.parse(reduction), temperature, learningRate, mPerClass, seed, sources(train.size()), more(taskGroups));
  }

  /** Issue 9's strategies: the recipe's, with --augment, --groups, --stratify, --tier, --synthetic applied. */
  dev.negmine.train.MoreNegatives more() {
    return more(null);
  }

  /** As {@link #more()}, with a task's own class grouping as the default group map. */
  dev.negmine.train.MoreNegatives more(dev.negmine.train.sampling.CoarseGroups taskGroups) {
    var r = Recipes.more(recipe);
    boolean siblings = Recipes.siblingBatches(recipe) || (stratify != null && stratify.trim().equalsIgnoreCase("siblings"));
    if (r == null && augment == null && groups == null && stratify == null && tier == null && synthetic == null && !siblings) {
      return null;
    }
    if (r == null) {
      r = dev.negmine.train.MoreNegatives.none();
    }
    var aug = augment != null ? dev.negmine.train.augment.AugmentConfig.parse(augment) : r.augment();
    dev.negmine.train.sampling.CoarseGroups g = r.groups();
    if (groups != null) {
      try {
        g = dev.negmine.train.sampling.CoarseGroups.load(groups);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--groups: cannot read " + groups + ": " + e.getMessage());
      }
    } else if (g == null && taskGroups != null) {
      g = taskGroups;
    } else if (g == null && (stratify != null || Boolean.TRUE.equals(tier))) {
      g = dev.negmine.train.sampling.CoarseGroups.fashionMnist();
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
    var syn = synthetic != null ? dev.negmine.train.negatives.SyntheticNegatives.parse(synthetic) : r.synthetic();
    boolean t = tier != null ? tier : r.tier();
    var m = new dev.negmine.train.MoreNegatives(aug, r.selfSupervised(), g, siblings ? 0 : sc, siblings ? 0 : sg, t, syn, siblings);
    return m.any() || m.selfSupervised() ? m : null;
  }

  /** The loss: --loss, else infonce with --negatives dynamic, else the recipe's. */
  String resolvedLoss() {
    if (loss != null) {
      return loss;
    }
    return dynamicNegatives() ? "infonce" : Recipes.defaultLoss(recipe);
  }

  /** {@code --negatives dynamic}: every negative from the dynamic tree index (issue 5). */
  boolean dynamicNegatives() {
    if (negatives == null || negatives.equalsIgnoreCase("batch")) {
      return false;
    }
    if (negatives.equalsIgnoreCase("dynamic")) {
      return true;
    }
    throw new IllegalArgumentException("--negatives: unknown value '" + negatives + "' (expected batch or dynamic)");
  }

  /** The recipe's negative sources with the options applied; null when neither asks for any. */
  SourcesConfig sources(int trainItems) {
    SourcesConfig.Builder b = Recipes.sources(recipe, trainItems, Math.max(1, trainItems / batch));
    boolean dyn = dynamicNegatives();
    if (dyn && (mix != null || mixTo != null)) {
      throw new IllegalArgumentException("--negatives dynamic takes every negative from the dynamic index; to mix it with"
          + " other sources use --mix with a dynamic share (e.g. --mix in-batch=0.5,dynamic=0.5) instead");
    }
    boolean any = queue != null || pool != null || mix != null || momentum != null || dyn;
    if (b == null && !any) {
      if (queueWarmup != null || poolPerAnchor != null || poolExpiry != null || poolRefreshEvery != null
          || poolTop != null || poolTtl != null || mixTo != null || slots != null || dynamicLandmarks != null
          || extraGradients != null) {
        throw new IllegalArgumentException("queue, pool and mix settings need --queue, --pool, --mix or a mixing recipe"
            + " (pinterest, spotify, moco)");
      }
      return null;
    }
    if (b == null) {
      b = SourcesConfig.builder();
      if (dyn) {
        b.mix("dynamic=1");
      } else if (mix == null) {
        b.mix("in-batch=1" + (queue != null && queue > 0 ? ",queue=1" : "") + (pool != null ? ",offline=1" : ""));
      }
    }
    if (mix != null) {
      b.mix(mix).mixTo(mixTo != null ? mixTo : mix);
    } else if (mixTo != null) {
      throw new IllegalArgumentException("--mix-to needs --mix");
    }
    if (queue != null) {
      b.queue(queue);
      if (queueWarmup == null) {
        b.queueWarmup(-1);
      }
    }
    if (queueWarmup != null) {
      b.queueWarmup(queueWarmup);
    }
    if (momentum != null) {
      b.momentum(momentum);
    }
    if (pool != null) {
      b.pool(pool);
    }
    if (poolPerAnchor != null) {
      b.poolPerAnchor(poolPerAnchor);
    }
    if (poolExpiry != null) {
      b.poolExpiry(poolExpiry);
    }
    if (poolRefreshEvery != null) {
      b.poolRefreshEvery(poolRefreshEvery);
    }
    if (poolTop != null) {
      b.poolTop(poolTop);
    }
    if (poolTtl != null) {
      b.poolTtl(duration(poolTtl));
    }
    if (extraGradients != null) {
      b.detachExtras(switch (extraGradients.toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> true;
        case "full" -> false;
        default -> throw new IllegalArgumentException("--extra-gradients must be none or full, got " + extraGradients);
      });
    }
    if (slots != null) {
      b.slots(slots);
    }
    String mixNow = mix != null ? mix : dyn ? "dynamic=1" : null;
    boolean mixDynamic = mixNow != null && (mixNow.contains("dynamic") || mixNow.contains("tree")
        || (mixTo != null && (mixTo.contains("dynamic") || mixTo.contains("tree"))));
    if (dynamicLandmarks != null && !mixDynamic) {
      throw new IllegalArgumentException("--dynamic-landmarks needs --negatives dynamic or a dynamic share in --mix");
    }
    if (mixDynamic) {
      DynamicSource.Config d = DynamicSource.Config.defaults(temperature, dyn && "infonce".equals(resolvedLoss()));
      int lm = dynamicLandmarks != null ? dynamicLandmarks : Math.min(d.landmarks(), Math.max(2, trainItems / 20));
      b.dynamic(new DynamicSource.Config(lm, d.window(), d.refreshEvery(), d.fullEvery(), d.temperature(), d.infoNce()));
    }
    return b.build();
  }

  /** {@code 48h}, {@code 90m}, {@code 2d}, {@code 30s} or ISO-8601 ({@code PT48H}). */
  static java.time.Duration duration(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    java.time.Duration d;
    try {
      if (t.startsWith("p")) {
        d = java.time.Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      } else {
        long v = Long.parseLong(t.substring(0, t.length() - 1));
        d = switch (t.charAt(t.length() - 1)) {
          case 'd' -> java.time.Duration.ofDays(v);
          case 'h' -> java.time.Duration.ofHours(v);
          case 'm' -> java.time.Duration.ofMinutes(v);
          case 's' -> java.time.Duration.ofSeconds(v);
          default -> throw new NumberFormatException();
        };
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--pool-ttl: cannot read '" + s + "' (use e.g. 48h, 90m, 2d or PT48H)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("--pool-ttl must be positive, got " + s);
    }
    return d;
  }

  void save(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    dev.negmine.train.run.RunFiles.writeString(runDir.resolve(FILE), GSON.toJson(this));
  }

  static TrainOptions load(Path runDir) throws IOException {
    Path f = runDir.resolve(FILE);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": it is not a negmine training run (no " + FILE + ")");
    }
    try {
      return GSON.fromJson(Files.readString(f), TrainOptions.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": " + FILE + " is corrupt", e);
    }
  }
}
