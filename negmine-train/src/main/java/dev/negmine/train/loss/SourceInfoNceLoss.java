package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * InfoNCE / multiple-negatives ranking over negatives from any source: for each distinct
 * (anchor, positive) pair, {@code -log softmax([s(a,p), s(a,n_1), ..., s(a,n_k)] / temperature)[0]}
 * over the negatives the sources paired with that positive (in-batch picks, pool items, queue keys,
 * synthetic vectors alike), cosine logits (unit rows), averaged over pairs. Anchors whose sources
 * found no negative contribute nothing.
 */
public record SourceInfoNceLoss(double temperature) implements SourceLoss {
  private static final float MASKED = -1e9f;

  public SourceInfoNceLoss {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
  }

  @Override
  public String name() {
    return "infonce(t=" + temperature + ")";
  }

  @Override
  public NDArray compute(NDArray live, NDArray constants, StepTuples t) {
    Map<Long, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < t.pairs().size(); i++) {
      int k = t.termNegative()[i];
      long key = ((long) t.negAnchor()[k] << 32) | t.termPositive()[i];
      groups.computeIfAbsent(key, x -> new ArrayList<>()).add(t.negRow()[k]);
    }
    if (groups.isEmpty()) {
      return Losses.zero(live);
    }
    int g = groups.size();
    int width = groups.values().stream().mapToInt(List::size).max().orElse(1);
    int[] anchors = new int[g];
    int[] positives = new int[g];
    int[] negatives = new int[g * width];
    float[] bias = new float[g * width];
    int r = 0;
    for (var e : groups.entrySet()) {
      anchors[r] = (int) (e.getKey() >>> 32);
      positives[r] = (int) (long) e.getKey();
      List<Integer> n = e.getValue();
      for (int j = 0; j < width; j++) {
        negatives[r * width + j] = j < n.size() ? n.get(j) : anchors[r];
        bias[r * width + j] = j < n.size() ? 0f : MASKED;
      }
      r++;
    }
    NDArray table = constants == null ? live : NDArrays.concat(new NDList(live, constants), 0);
    long d = table.getShape().get(1);
    NDArray a = Losses.rows(table, anchors);
    float inv = (float) (1 / temperature);
    NDArray sp = a.mul(Losses.rows(table, positives)).sum(new int[] {1}, true).mul(inv);
    NDArray sn = Losses.rows(table, negatives).reshape(g, width, d).mul(a.expandDims(1)).sum(new int[] {2}).mul(inv)
        .add(table.getManager().create(bias, new Shape(g, width)));
    NDArray logits = NDArrays.concat(new NDList(sp, sn), 1);
    return logits.logSoftmax(1).get(":, 0").neg().mean();
  }
}
