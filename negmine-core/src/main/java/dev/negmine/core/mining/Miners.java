package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;
import java.util.List;

/**
 * The named miner presets: the one entry point the CLI and the trainer use. Thread-safe; every
 * miner it returns is immutable and thread-safe (see {@link Miner}).
 *
 * <table class="striped">
 *   <caption>Presets (d = distance, default L2 on L2-normalised embeddings; margin m default 0.2)</caption>
 *   <thead><tr><th>name</th><th>rows</th><th>row order</th><th>cost</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code batch-hard}</td><td>per anchor: farthest positive, closest negative; anchors lacking either dropped</td>
 *     <td>anchor</td><td>O(B²)</td></tr>
 *   <tr><td>{@code cos-batch-hard}</td><td>batch-hard on cosine similarity (the config's distance is replaced)</td>
 *     <td>anchor</td><td>O(B²)</td></tr>
 *   <tr><td>{@code semihard-band}</td><td>every triplet with 0 &lt; d(a,n) - d(a,p) &lt;= m</td>
 *     <td>anchor, positive, negative by distance</td><td>O(B² log B) + rows</td></tr>
 *   <tr><td>{@code hard-band}</td><td>every triplet with d(a,n) - d(a,p) &lt;= 0</td>
 *     <td>anchor, positive, negative by distance</td><td>O(B² log B) + rows</td></tr>
 *   <tr><td>{@code all-band}</td><td>every triplet with d(a,n) - d(a,p) &lt;= m (batch-all)</td>
 *     <td>anchor, positive, negative by distance</td><td>O(B² log B) + rows</td></tr>
 *   <tr><td>{@code easy-band}</td><td>every triplet with d(a,n) - d(a,p) &gt; m</td>
 *     <td>anchor, positive, negative by distance</td><td>O(B² log B) + rows</td></tr>
 *   <tr><td>{@code semihard-tf}</td><td>per (a,p): closest n with d(a,n) &gt; d(a,p), else the farthest n</td>
 *     <td>anchor, positive</td><td>O(B² log B)</td></tr>
 *   <tr><td>{@code easy-positive}</td><td>per anchor: closest positive, then the closest negative strictly
 *     farther than it; anchors lacking either dropped</td><td>anchor</td><td>O(B²)</td></tr>
 *   <tr><td>{@code topk-hard}</td><td>per (a,p): the anchor's k ({@link MinerConfig#k()}) closest negatives</td>
 *     <td>anchor, positive, negative by distance</td><td>O(B² k) + rows</td></tr>
 *   <tr><td>{@code distance-weighted}</td><td>per (a,p): one negative drawn with weight 1/q(d) (seeded;
 *     needs {@link MiningBatch#dimension()})</td><td>anchor, positive</td><td>O(B²)</td></tr>
 *   <tr><td>{@code multi-similarity}</td><td>kept pairs on cosine similarity ({@link PairMiner}); as triplets,
 *     each anchor's kept positives × kept negatives</td><td>anchor, positive, negative (index)</td><td>O(B²) + rows</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>"Row order" lists the sort keys, each ascending: "anchor" and "positive" by index, "negative
 * by distance" from the anchor's closest to farthest with equal distances by index. Sorting is never
 * needed by a caller; {@link Triplets#sorted()} gives the fixtures' (anchor, positive, negative)
 * index order. Distances compare in float32 as the score matrix holds them; every tie goes to the
 * lowest index. A {@link MinerConfig#maxTriplets() cap} keeps a seeded uniform subset of the rows in
 * the same order; the rows are counted first, and the band, top-k and multi-similarity miners then
 * write only the kept rows, so a cap bounds memory as well as output.
 *
 * <p>The band presets are {@link BandPolicy} instances; {@link #band} builds a miner from any
 * policy. Every miner works on a batch against itself or against a reference set
 * ({@link MiningBatch#withReferences}).
 */
public final class Miners {
  private static final List<String> PRESETS = List.of(
      "batch-hard", "cos-batch-hard", "semihard-band", "hard-band", "all-band", "easy-band",
      "semihard-tf", "easy-positive", "topk-hard", "distance-weighted", "multi-similarity");

  private Miners() {}

  /** The preset names {@link #create} accepts, in a stable order. */
  public static List<String> presets() {
    return PRESETS;
  }

  /**
   * The miner for a preset name.
   *
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static Miner create(String preset, MinerConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must be set (use MinerConfig.defaults())");
    }
    if (preset == null) {
      throw unknown(null);
    }
    return switch (preset) {
      case "batch-hard" -> new BatchHardMiner(preset, config);
      case "cos-batch-hard" -> new BatchHardMiner(preset, config.toBuilder().distance(Distance.COSINE).build());
      case "semihard-band" -> new BandMiner(preset, config, BandPolicy.SEMIHARD_BAND);
      case "hard-band" -> new BandMiner(preset, config, BandPolicy.HARD_BAND);
      case "all-band" -> new BandMiner(preset, config, BandPolicy.ALL_BAND);
      case "easy-band" -> new BandMiner(preset, config, BandPolicy.EASY_BAND);
      case "semihard-tf" -> new BandMiner(preset, config, BandPolicy.SEMIHARD_TF);
      case "easy-positive" -> new EasyPositiveMiner(config);
      case "topk-hard" -> new TopKHardMiner(config);
      case "distance-weighted" -> new DistanceWeightedMiner(config);
      case "multi-similarity" -> multiSimilarity(config);
      default -> throw unknown(preset);
    };
  }

  /** The {@code multi-similarity} miner typed as a {@link PairMiner}; it compares by cosine similarity. */
  public static PairMiner multiSimilarity(MinerConfig config) {
    return new MultiSimilarityMiner(config.toBuilder().distance(Distance.COSINE).build());
  }

  /**
   * A miner for any band policy (the named band presets are {@link BandPolicy} constants). Its
   * name is the preset's when the policy equals one, else {@code band(lower,upper,selection,fallback)}.
   */
  public static Miner band(BandPolicy policy, MinerConfig config) {
    if (policy == null || config == null) {
      throw new IllegalArgumentException("policy and config must be set");
    }
    return new BandMiner(bandName(policy), config, policy);
  }

  private static String bandName(BandPolicy p) {
    if (p.equals(BandPolicy.SEMIHARD_BAND)) {
      return "semihard-band";
    } else if (p.equals(BandPolicy.HARD_BAND)) {
      return "hard-band";
    } else if (p.equals(BandPolicy.ALL_BAND)) {
      return "all-band";
    } else if (p.equals(BandPolicy.EASY_BAND)) {
      return "easy-band";
    } else if (p.equals(BandPolicy.SEMIHARD_TF)) {
      return "semihard-tf";
    }
    return ("band(" + p.lower() + "," + p.upper() + "," + p.selection() + "," + p.fallback() + ")")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static IllegalArgumentException unknown(String preset) {
    return new IllegalArgumentException("unknown miner preset '" + preset + "'; valid presets: " + String.join(", ", PRESETS));
  }
}
