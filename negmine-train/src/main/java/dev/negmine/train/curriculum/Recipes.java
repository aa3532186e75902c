package dev.negmine.train.curriculum;

import java.util.List;
import java.util.Locale;

/**
 * The named training recipes. Each turns (epochs, base batch, margin) into a {@link Curriculum}.
 *
 * <ul>
 *   <li>{@code facenet}: semi-hard band mining at the base batch for most of training, then a short
 *       batch-hard phase with the batch doubled and the learning rate cut, the FaceNet schedule
 *       (semi-hard first, hard later, growing batch) sized by measurement: on Fashion-MNIST a late
 *       hard phase at full learning rate lowered MAP@R, as the reference runs also found.
 *   <li>{@code semi-hard}: semi-hard band mining throughout.
 *   <li>{@code batch-hard}: batch-hard mining throughout (collapses easily; kept as a baseline).
 *   <li>{@code all-triplets}: every margin-violating triplet ({@code all-band}).
 *   <li>{@code random}: one random positive and negative per anchor, no mining.
 *   <li>{@code infonce}: InfoNCE over in-batch negatives (the miner only supplies positives).
 * </ul>
 */
public final class Recipes {
  public static final List<String> NAMES = List.of("facenet", "semi-hard", "batch-hard", "all-triplets", "random", "infonce");

  private Recipes() {}

  /** The curriculum of {@code recipe}; {@code minerOverride} (nullable) replaces every phase's miner. */
  public static Curriculum curriculum(String recipe, int epochs, int batch, double margin, String minerOverride) {
    String r = recipe.toLowerCase(Locale.ROOT);
    List<Phase> phases = switch (r) {
      case "facenet" -> facenet(epochs, batch, margin);
      case "semi-hard", "semihard" -> List.of(new Phase(0, "semihard-band", margin, batch, 1));
      case "batch-hard" -> List.of(new Phase(0, "batch-hard", margin, batch, 1));
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

  /** The loss a recipe trains with when none is given. */
  public static String defaultLoss(String recipe) {
    return recipe.equalsIgnoreCase("infonce") ? "infonce" : "triplet";
  }

  private static List<Phase> facenet(int epochs, int batch, double margin) {
    int switchAt = (int) Math.round(epochs * 0.8);
    if (epochs < 3 || switchAt >= epochs) {
      return List.of(new Phase(0, "semihard-band", margin, batch, 1));
    }
    return List.of(
        new Phase(0, "semihard-band", margin, batch, 1),
        new Phase(switchAt, "batch-hard", margin, batch * 2, 0.3));
  }
}
