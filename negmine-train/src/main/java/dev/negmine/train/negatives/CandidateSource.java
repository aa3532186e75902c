package dev.negmine.train.negatives;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mixer.NegativeSource;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One source of negatives for a training step (in-batch band, random items, offline pool, memory
 * queue, dynamic tree index). The {@link dev.negmine.core.mixer.SourceMixer} assigns each anchor's
 * slots to sources; {@link NegativeSources} asks each source for the anchors' draws and turns the
 * picks into loss tuples. A step runs, in order:
 * <ol>
 *   <li>{@link #prepare}: before the forward pass, register the training items to embed;
 *   <li>{@link #begin}: after it, per-step work over the host embeddings (e.g. queue distances);
 *   <li>{@link #forAnchor} per anchor, lazily at the anchor's first slot of this source, then
 *       {@link AnchorDraw#next} per slot;
 *   <li>{@link #afterStep}: after the optimizer (enqueue, refreshes).
 * </ol>
 * Picks name either a row of the step's host embeddings (live when the extras are embedded in the
 * forward pass) or a row of {@link #constants()} (no gradient). Everything a source draws is seeded
 * by (seed, step) through the {@code rnd} it is handed. Training-thread only.
 */
public interface CandidateSource extends AutoCloseable {
  /** Which mixer share this source serves. */
  NegativeSource kind();

  /** Registers the extra items this source needs embedded this step. */
  default void prepare(StepRequest request) {}

  /** Per-step work after the forward pass, before any anchor draws. */
  default void begin(StepView view) {}

  /**
   * Anchor {@code a}'s draw for this step. May consume {@code rnd} (the queue draws its key
   * positives here), so it is called lazily, at the anchor's first slot of this source.
   */
  AnchorDraw forAnchor(StepView view, int a, AnchorPositives positives, SplittableRandom rnd);

  /** Rows that constant picks index (queue keys); empty for sources whose picks are step rows. */
  default FloatMatrix constants() {
    return FloatMatrix.zeros(0, 0);
  }

  /** After the optimizer step, with the batch's host embeddings (e.g. enqueue them). */
  default void afterStep(StepView view, FloatMatrix batchFeatures, FloatMatrix batchEmbeddings) {}

  /** Figures for the step's metrics line (queue fill, pool age...), keyed by name; may be empty. */
  default Map<String, Object> stats(long step) {
    return Map.of();
  }

  /** Writes the state an exact resume needs. */
  default void save(DataOutputStream out, long step) throws IOException {}

  /** Reads what {@link #save} wrote. */
  default void restore(DataInputStream in) throws IOException {}

  @Override
  default void close() {}
}
