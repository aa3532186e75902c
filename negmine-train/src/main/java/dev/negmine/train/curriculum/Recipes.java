package dev.negmine.train.curriculum;

import java.util.List;
import java.util.Locale;

/**
 * The named training recipes. Each turns (epochs, base batch, margin) into a {@link Curriculum}.
 *
 * <ul>
 *   <li>{@code facenet}: semi-hard band mining throughout, the batch doubling at 60% of training
 *       and the learning rate stepping down (x0.5 at 60%, x0.1 at 90%). FaceNet's "switch to hard
 *       negatives later" is done by the growing batch (a larger batch puts closer negatives in the
 *       semi-hard band), not by a batch-hard phase: on Fashion-MNIST (small CNN, 10 epochs, MAP@R
 *       on 10k train-split items) every late hard phase measured lowered MAP@R: batch-hard from
 *       60% at lr x0.3 0.617, batch-hard for the last epoch at lr x0.1 0.662 (margin 0.05: 0.657),
 *       at lr x0.02 0.697, hard-band for the last epoch 0.685, against 0.705 for this schedule,
 *       as the reference runs also found. The batch-hard loss is still tracked every step.
 *   <li>{@code facenet-bh}: the same with the last 10% on {@code batch-hard} at lr x0.02, the
 *       literal FaceNet switch, kept so {@code compare} can show what it costs.
 *   <li>{@code semi-hard}: semi-hard band mining throughout, constant batch and learning rate.
 *   <li>{@code batch-hard}: batch-hard mining throughout (collapses easily; a baseline).
 *   <li>{@code all-triplets}: every margin-violating triplet ({@code all-band}).
 *   <li>{@code random}: one random positive and negative per anchor, no mining.
 *   <li>{@code infonce}: InfoNCE over in-batch negatives (the miner only supplies positives).
 *   <li>{@code sibling-hard}: batch-hard over batches of whole sibling groups (see
 *       {@link #siblingBatches}).
 * </ul>
 */
public final class Recipes {
  public static final List<String> NAMES = List.of("facenet", "facenet-bh", "semi-hard", "batch-hard", "all-triplets", "random",
      "infonce", "pinterest", "spotify", "moco", "simclr", "facenet-aug", "hierarchical", "hier-tier", "mochi", "sibling-hard");

  private Recipes() {}

  /** The curriculum of {@code recipe}; {@code minerOverride} (nullable) replaces every phase's miner. */
  public static Curriculum curriculum(String recipe, int epochs, int batch, double margin, String minerOverride) {
    String r = recipe.toLowerCase(Locale.ROOT);
    List<Phase> phases = switch (r) {
      case "facenet", "pinterest", "spotify", "moco", "facenet-aug", "hierarchical", "hier-tier", "mochi" ->
          facenet(epochs, batch, margin, false);
      case "simclr" -> List.of(new Phase(0, "batch-hard", margin, batch, 1));
      case "facenet-bh" -> facenet(epochs, batch, margin, true);
      case "semi-hard", "semihard" -> List.of(new Phase(0, "semihard-band", margin, batch, 1));
      case "batch-hard", "sibling-hard" -> List.of(new Phase(0, "batch-hard", margin, batch, 1));
      case "all-triplets", "all" -> List.of(new Phase(0, "all-band", margin, batch, 1));
      case "random" -> List.of(new Phase(0, "random", margin, batch, 1));
      case "infonce" -> List.of(new Phase(0, "batch-hard", margin, batch, 1));
      default -> throw new IllegalArgumentException("unknown recipe '" + recipe + "' (expected one of " + NAMES + ")");
    };
    if (minerOverride != null) {
      phases = phases.stream().map(p -> new Phase(p.startEpoch(), minerOverride, p.margin(), p.batchSize(), p.lrScale())).toList();
    }
    return new Curriculum(r, epochs, phases);
  }

  /**
   * The negative sources of a mixing recipe (null for the others), as a builder the caller may
   * adjust. All three keep the facenet schedule (semi-hard band, batch doubling at 60%, learning
   * rate steps) and replace the batch miner's negatives by per-anchor slots from the sources:
   * <ul>
   *   <li>{@code pinterest}: 10 negatives per anchor, 30% random (64 shared random items per step),
   *       50% in-batch, 20% offline, the offline share rising to 40% (taken from in-batch) over the
   *       first half of training; 2 pool candidates per anchor (offline slots beyond them go
   *       in-batch); the pool is mined from the initial model at the first step (exact index, top
   *       50) and re-mined every epoch ({@code stepsPerEpoch}) with the current model. Random and
   *       pool items are embedded without gradients ({@code SourcesConfig#detachExtras}).
   *   <li>{@code spotify}: in-batch plus 2 offline per anchor (8 + 2 of 10 slots), pool as above.
   *   <li>{@code moco}: half the negatives from a memory queue (cross-batch memory, XBM), half
   *       in-batch. Queue negatives are drawn from the semi-hard band of the anchor's queue
   *       positives (same-label keys) and their triplet terms use those positives: an earlier
   *       version paired them with the in-batch positives and collapsed on the default data
   *       (queue-only: MAP@R 0.47, 0.25, 0.22 after epochs 1-3; half queue: 0.53, 0.41 after
   *       epochs 1-2, mean negative cosine 0.96 from the step the queue warmed up), because
   *       constant keys paired with live positives reward moving the whole batch away from where
   *       the queue was; against keys of its own label an anchor gains nothing from such a drift.
   *       The queue holds the query encoder's own embeddings ({@code --momentum M} adds MoCo's EMA
   *       key encoder). The queue is 65,536 rows, capped at the largest power of two not above half
   *       the training items (4,096 on the default 9.5k items, about 26 steps old at batch 160): a
   *       queue longer than the data holds several stale copies of each item. Warm-up: the queue
   *       full once; until then the queue slots draw in-batch.
   * </ul>
   */
  public static dev.negmine.train.negatives.SourcesConfig.Builder sources(String recipe, int trainItems, int stepsPerEpoch) {
    var b = dev.negmine.train.negatives.SourcesConfig.builder();
    return switch (recipe.toLowerCase(Locale.ROOT)) {
      case "pinterest" -> b.mix("random=0.3,in-batch=0.5,offline=0.2").mixTo("random=0.3,in-batch=0.3,offline=0.4")
          .rampFraction(0.5).slots(10).poolPerAnchor(2).poolRefreshEvery(stepsPerEpoch);
      case "spotify" -> b.mix("in-batch=0.8,offline=0.2").slots(10).poolPerAnchor(2).poolRefreshEvery(stepsPerEpoch);
      case "moco", "hierarchical", "hier-tier", "mochi" -> {
        int q = Math.min(65536, Integer.highestOneBit(Math.max(2, trainItems / 2)));
        yield b.mix("in-batch=0.5,queue=0.5").slots(10).queue(q).queueWarmup(q);
      }
      default -> null;
    };
  }

  /**
   * Whether the recipe deals batches of whole sibling groups ({@code sibling-hard}: batch-hard
   * mining over batches whose classes come in groups of siblings, so the hardest in-batch negative
   * is usually a sibling; the groups come from {@code --groups} or the task, e.g. WordNet's
   * hypernyms).
   */
  public static boolean siblingBatches(String recipe) {
    return recipe.equalsIgnoreCase("sibling-hard");
  }

  /** The loss a recipe trains with when none is given. */
  public static String defaultLoss(String recipe) {
    return recipe.equalsIgnoreCase("infonce") || recipe.equalsIgnoreCase("simclr") ? "infonce" : "triplet";
  }

  /**
   * The more-negatives strategies of a recipe (augmented views, stratified batches, the
   * group-stratified queue tier, synthetic hard negatives; null for the others). Each is one
   * strategy added to a base recipe, so {@code compare} measures it against that base:
   * <ul>
   *   <li>{@code simclr}: self-supervised, two augmented views per item, NT-Xent (no labels).
   *   <li>{@code facenet-aug}: facenet on augmented views (a regulariser).
   *   <li>{@code hierarchical}: moco with stratified batches (5 classes per batch, up to 4 from one
   *       coarse group) and the queue tier stratified by group (Fashion-MNIST groups built in).
   *   <li>{@code hier-tier}: moco with the group-stratified queue tier only.
   *   <li>{@code mochi}: moco plus synthetic hard negatives (5 hardest, 4 pair mixes, 2 anchor mixes).
   * </ul>
   */
  public static dev.negmine.train.MoreNegatives more(String recipe) {
    var fm = dev.negmine.train.sampling.CoarseGroups.fashionMnist();
    var aug = dev.negmine.train.augment.AugmentConfig.defaults();
    return switch (recipe.toLowerCase(Locale.ROOT)) {
      case "simclr" -> dev.negmine.train.MoreNegatives.builder().augment(aug).selfSupervised().build();
      case "facenet-aug" -> dev.negmine.train.MoreNegatives.builder().augment(aug).build();
      case "hierarchical" -> dev.negmine.train.MoreNegatives.builder().groups(fm).stratify(5, 4).tier(true).build();
      case "hier-tier" -> dev.negmine.train.MoreNegatives.builder().groups(fm).tier(true).build();
      case "mochi" -> dev.negmine.train.MoreNegatives.builder()
          .synthetic(dev.negmine.train.negatives.SyntheticNegatives.defaults()).build();
      default -> null;
    };
  }

  private static List<Phase> facenet(int epochs, int batch, double margin, boolean batchHardFinish) {
    int grow = (int) Math.round(epochs * 0.6);
    int finish = (int) Math.round(epochs * 0.9);
    List<Phase> phases = new java.util.ArrayList<>();
    phases.add(new Phase(0, "semihard-band", margin, batch, 1));
    if (grow > 0 && grow < epochs) {
      phases.add(new Phase(grow, "semihard-band", margin, batch * 2, 0.5));
    }
    if (finish > Math.max(grow, 0) && finish < epochs) {
      phases.add(batchHardFinish
          ? new Phase(finish, "batch-hard", margin, batch * 2, 0.02)
          : new Phase(finish, "semihard-band", margin, batch * 2, 0.1));
    }
    return List.copyOf(phases);
  }
}
