package dev.negmine.core.mining;

/**
 * The explicit rule behind every band and semi-hard preset. "Semi-hard" means different things in
 * the literature and its libraries; here it is always one mechanism with four choices.
 *
 * <p>For a positive pair (a, p) and a candidate negative n, the <em>gap</em> is
 * {@code g = d(a,n) - d(a,p)}, computed in float32 on distance-like values (a similarity s enters
 * as -s, so for cosine {@code g = s(a,p) - s(a,n)}, as pytorch-metric-learning does). The band is
 * the half-open interval {@code lower < g <= upper}, where each edge is {@link Edge#ZERO 0}, the
 * {@link Edge#MARGIN margin} ({@code (float) MinerConfig.margin()}), or {@link Edge#NONE absent}
 * (uncapped). {@link Selection} says whether every negative in the band is a row or only the
 * closest one; {@link Fallback} says what a positive pair whose band is empty gets.
 *
 * <table class="striped">
 *   <caption>The named presets (margin m, default 0.2)</caption>
 *   <thead><tr><th>preset</th><th>lower</th><th>upper</th><th>selection</th><th>fallback</th>
 *     <th>rows</th><th>origin</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code semihard-band}</td><td>ZERO</td><td>MARGIN</td><td>ALL</td><td>DROP</td>
 *     <td>every triplet with 0 &lt; g &lt;= m</td><td>PML TripletMarginMiner "semihard"</td></tr>
 *   <tr><td>{@code hard-band}</td><td>NONE</td><td>ZERO</td><td>ALL</td><td>DROP</td>
 *     <td>every triplet with g &lt;= 0</td><td>PML TripletMarginMiner "hard"</td></tr>
 *   <tr><td>{@code all-band}</td><td>NONE</td><td>MARGIN</td><td>ALL</td><td>DROP</td>
 *     <td>every triplet with g &lt;= m (batch-all)</td><td>PML TripletMarginMiner "all"</td></tr>
 *   <tr><td>{@code easy-band}</td><td>MARGIN</td><td>NONE</td><td>ALL</td><td>DROP</td>
 *     <td>every triplet with g &gt; m</td><td>PML TripletMarginMiner "easy"</td></tr>
 *   <tr><td>{@code semihard-tf}</td><td>ZERO</td><td>NONE</td><td>CLOSEST</td><td>EASIEST</td>
 *     <td>per (a,p) the closest n with d(a,n) &gt; d(a,p), else the farthest n</td>
 *     <td>TF-Addons TripletSemiHardLoss, sentence-transformers BatchSemiHardTripletLoss</td></tr>
 *   <tr><td>(not a preset)</td><td>ZERO</td><td>MARGIN</td><td>CLOSEST</td><td>DROP</td>
 *     <td>per (a,p) the hardest semi-hard negative</td><td>FaceNet's wording, one reading</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Ties: "closest" is the smallest distance, then the lowest index; "farthest"
 * ({@link Fallback#EASIEST}) is the largest distance, then the lowest index.
 *
 * @param lower lower edge of the gap, exclusive ({@link Edge#NONE} = no lower edge)
 * @param upper upper edge of the gap, inclusive ({@link Edge#NONE} = no upper edge)
 * @param selection all negatives in the band, or the closest one
 * @param fallback what a positive pair with an empty band yields
 */
public record BandPolicy(Edge lower, Edge upper, Selection selection, Fallback fallback) {
  /** A band edge, as an offset from d(a,p). */
  public enum Edge {
    /** No edge on this side (the band is uncapped there). */
    NONE,
    /** d(a,p) itself. */
    ZERO,
    /** d(a,p) + margin. */
    MARGIN
  }

  /** Which negatives of a non-empty band become rows. */
  public enum Selection {
    /** Every negative in the band, closest first. */
    ALL,
    /** Only the closest negative in the band (the hardest that still satisfies it). */
    CLOSEST
  }

  /** What a positive pair whose band holds no negative yields. */
  public enum Fallback {
    /** No row. */
    DROP,
    /** One row with the anchor's farthest negative. */
    EASIEST,
    /** One row with the anchor's closest negative. */
    HARDEST
  }

  public static final BandPolicy SEMIHARD_BAND = new BandPolicy(Edge.ZERO, Edge.MARGIN, Selection.ALL, Fallback.DROP);
  public static final BandPolicy HARD_BAND = new BandPolicy(Edge.NONE, Edge.ZERO, Selection.ALL, Fallback.DROP);
  public static final BandPolicy ALL_BAND = new BandPolicy(Edge.NONE, Edge.MARGIN, Selection.ALL, Fallback.DROP);
  public static final BandPolicy EASY_BAND = new BandPolicy(Edge.MARGIN, Edge.NONE, Selection.ALL, Fallback.DROP);
  public static final BandPolicy SEMIHARD_TF =
      new BandPolicy(Edge.ZERO, Edge.NONE, Selection.CLOSEST, Fallback.EASIEST);

  public BandPolicy {
    if (lower == null || upper == null || selection == null || fallback == null) {
      throw new IllegalArgumentException("every part of a band policy must be set");
    }
    if (lower != Edge.NONE && upper != Edge.NONE && !(lower == Edge.ZERO && upper == Edge.MARGIN)) {
      throw new IllegalArgumentException("band (" + lower + ", " + upper + "] is empty; the lower edge must lie below the upper");
    }
  }

  /** The lower edge as a float gap threshold (exclusive), -infinity when absent. */
  float lowerGap(float margin) {
    return gap(lower, margin, Float.NEGATIVE_INFINITY);
  }

  /** The upper edge as a float gap threshold (inclusive), +infinity when absent. */
  float upperGap(float margin) {
    return gap(upper, margin, Float.POSITIVE_INFINITY);
  }

  private static float gap(Edge e, float margin, float none) {
    return switch (e) {
      case NONE -> none;
      case ZERO -> 0f;
      case MARGIN -> margin;
    };
  }
}
