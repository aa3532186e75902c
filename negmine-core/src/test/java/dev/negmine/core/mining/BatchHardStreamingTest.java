package dev.negmine.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streamed self path of batch-hard (upper-triangle blocks folded into rows and columns) must
 * return exactly the rows of the path over the full score matrix, ties included.
 */
class BatchHardStreamingTest {
  @Test
  void streamedRowsEqualFullMatrixRows() {
    long seed = Long.getLong("negmine.seed", System.nanoTime());
    System.out.println("BatchHardStreamingTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int[] sizes = {1, 2, 7, 64, 193, 200, 385, 600};
    int[] dims = {3, 17, 128};
    int cases = 0;
    for (int n : sizes) {
      for (int dim : dims) {
        for (Distance d : Distance.values()) {
          for (boolean coarse : new boolean[] {false, true}) {
            boolean normalize = r.nextBoolean();
            boolean withIds = r.nextBoolean();
            float[] x = new float[n * dim];
            for (int i = 0; i < x.length; i++) {
              // coarse: small integers, so many scores tie exactly
              x[i] = coarse ? r.nextInt(3) - 1 : (float) r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
              x[i * dim] = coarse && x[i * dim] == 0 ? 1 : x[i * dim];
            }
            FloatMatrix emb = FloatMatrix.of(n, dim, x);
            long[] labels = new long[n];
            long[] ids = withIds ? new long[n] : null;
            int classes = 1 + r.nextInt(Math.max(1, n / 3));
            for (int i = 0; i < n; i++) {
              labels[i] = r.nextInt(classes);
              if (ids != null) {
                ids[i] = r.nextInt(Math.max(1, n - n / 4));
              }
            }
            MinerConfig cfg = MinerConfig.builder().distance(d).normalize(normalize).build();
            Miner m = Miners.create("batch-hard", cfg);
            Triplets streamed = m.mine(emb, labels, ids);
            Triplets full = m.mine(MiningBatch.self(emb, labels, ids, cfg), 0L);
            assertEquals(full, streamed, "n=" + n + " dim=" + dim + " " + d + " coarse=" + coarse
                + " normalize=" + normalize + " ids=" + withIds + " seed=" + seed);
            cases++;
          }
        }
      }
    }
    assertEquals(sizes.length * dims.length * Distance.values().length * 2, cases);
  }
}
