package dev.negmine.core.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryQueueTest {
  static FloatMatrix constantRows(int n, int d, float firstValue) {
    float[] data = new float[n * d];
    for (int i = 0; i < n; i++) {
      Arrays.fill(data, i * d, (i + 1) * d, firstValue + i);
    }
    return FloatMatrix.of(n, d, data);
  }

  static long[] range(long from, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = from + i;
    }
    return out;
  }

  static FloatMatrix gaussian(int n, int d, SplittableRandom r) {
    float[] data = new float[n * d];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) r.nextGaussian();
    }
    return FloatMatrix.of(n, d, data);
  }

  @Test
  void wrapsAroundKeepingTheNewestRows() {
    MemoryQueue q = MemoryQueue.builder(5, 2).normalize(false).warmup(4).build();
    q.enqueue(constantRows(3, 2, 0), range(0, 3), range(100, 3), 1);
    assertEquals(3, q.size());
    assertFalse(q.isWarm());
    q.enqueue(constantRows(4, 2, 3), range(3, 4), range(103, 4), 2);
    assertEquals(5, q.size());
    assertEquals(7, q.enqueued());
    assertTrue(q.isWarm());
    QueueView v = q.view();
    long[] labels = v.labels().clone();
    Arrays.sort(labels);
    assertArrayEquals(new long[] {2, 3, 4, 5, 6}, labels);
    for (int r = 0; r < v.size(); r++) {
      assertEquals(v.labels()[r], (long) v.embeddings().get(r, 1));
      assertEquals(v.labels()[r] + 100, v.ids()[r]);
      assertEquals(v.labels()[r] < 3 ? 1 : 2, v.steps()[r]);
    }
    // a batch larger than the ring keeps its last rows
    q.enqueue(constantRows(7, 2, 10), range(10, 7), null, 3);
    long[] l2 = q.snapshot().labels().clone();
    Arrays.sort(l2);
    assertArrayEquals(new long[] {12, 13, 14, 15, 16}, l2);
    for (long id : q.view().ids()) {
      assertTrue(id < 0, "id-less rows get negative ids");
    }
  }

  @Test
  void keepsEachRowsSquaredNormThroughWrapAround() {
    SplittableRandom r = new SplittableRandom(7);
    for (boolean normalize : new boolean[] {false, true}) {
      MemoryQueue q = MemoryQueue.builder(11, 5).normalize(normalize).build();
      for (int step = 0; step < 6; step++) {
        int n = 1 + r.nextInt(7);
        q.enqueue(gaussian(n, 5, r), range(0, n), null, step);
        for (QueueView v : new QueueView[] {q.view(), q.snapshot()}) {
          float[] expected = dev.negmine.core.linalg.Similarities.squaredNorms(v.embeddings());
          float[] kept = v.squaredNorms();
          assertEquals(expected.length, kept.length);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(kept[i]), "row " + i + " step " + step);
          }
        }
      }
    }
  }

  @Test
  void ageStatistics() {
    MemoryQueue q = MemoryQueue.builder(4, 2).normalize(false).build();
    assertEquals(new AgeStats(0, 0, 0, 0), q.ageStats(10));
    q.enqueue(constantRows(2, 2, 1), range(0, 2), null, 3);
    q.enqueue(constantRows(2, 2, 1), range(0, 2), null, 5);
    q.enqueue(constantRows(1, 2, 1), range(0, 1), null, 9);
    AgeStats s = q.ageStats(10);
    assertEquals(4, s.count());
    assertEquals(1, s.min());
    assertEquals(7, s.max());
    assertEquals((7 + 5 + 5 + 1) / 4.0, s.mean(), 1e-12);
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> MemoryQueue.builder(0, 2).build());
    assertThrows(IllegalArgumentException.class, () -> MemoryQueue.builder((1 << 20) + 1, 2).build());
    assertThrows(IllegalArgumentException.class, () -> MemoryQueue.builder(4, 2).warmup(5).build());
    MemoryQueue q = MemoryQueue.builder(4, 2).build();
    assertThrows(IllegalArgumentException.class, () -> q.enqueue(constantRows(2, 3, 1), range(0, 2), null, 0));
    assertThrows(IllegalArgumentException.class, () -> q.enqueue(constantRows(2, 2, 1), range(0, 1), null, 0));
    assertThrows(IllegalArgumentException.class,
        () -> q.enqueue(FloatMatrix.of(1, 2, new float[] {Float.NaN, 1}), range(0, 1), null, 0));
    MemoryQueue raw = MemoryQueue.builder(2, 2).normalize(false).warmup(0).build();
    Miner bh = Miners.create("batch-hard", MinerConfig.defaults());
    assertThrows(IllegalArgumentException.class, () -> raw.mine(bh, constantRows(2, 2, 1), range(0, 2), null, 0));
  }

  @Test
  void beforeWarmUpTheBatchIsMinedAlone() {
    MemoryQueue q = MemoryQueue.builder(64, 4).warmup(32).build();
    SplittableRandom r = new SplittableRandom(1);
    q.enqueue(gaussian(16, 4, r), range(0, 16), range(0, 16), 0);
    Miner bh = Miners.create("batch-hard", MinerConfig.defaults());
    long[] labels = {0, 0, 1, 1, 2, 2, 3, 3};
    QueueMining m = q.mine(bh, gaussian(8, 4, r), labels, range(100, 8), 1);
    assertEquals(0, m.queue().size());
    assertEquals(0, m.queueNegatives());
    assertEquals(8, m.triplets().size());
  }

  static List<String> presets() {
    return Miners.presets();
  }

  /** Every miner through the queue equals the miner on an explicit batch + queue reference set. */
  @ParameterizedTest
  @MethodSource("presets")
  void everyMinerMatchesTheConcatenatedOracle(String preset) {
    long seed = 20240611L + preset.hashCode();
    System.out.println(preset + " seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int d = 8;
    MemoryQueue q = MemoryQueue.builder(50, d).warmup(10).build();
    // 70 rows into 50 slots: wraps; ids 0..69, labels in 5 classes
    for (int s = 0; s < 7; s++) {
      long[] l = new long[10];
      for (int i = 0; i < 10; i++) {
        l[i] = r.nextInt(5);
      }
      q.enqueue(gaussian(10, d, r), l, range(10L * s, 10), s);
    }
    int b = 12;
    FloatMatrix batch = gaussian(b, d, r);
    long[] labels = new long[b];
    for (int i = 0; i < b; i++) {
      labels[i] = r.nextInt(5);
    }
    // half the batch are items still in the queue (ids 60..65): they must not pair with themselves
    long[] ids = range(60, b);
    MinerConfig cfg = MinerConfig.builder().seed(3).k(2).build();
    Miner miner = Miners.create(preset, cfg);
    QueueMining got = q.mine(miner, batch, labels, ids, 7);
    QueueView v = got.queue();
    assertEquals(50, v.size());

    FloatMatrix nb = Similarities.normalizeRows(batch);
    FloatMatrix refs = concatRows(nb, v.embeddings());
    long[] refLabels = concat(labels, v.labels());
    long[] refIds = concat(ids, v.ids());
    FloatMatrix scores = Similarities.matrix(nb, refs, miner.config().distance());
    MiningBatch oracle = new MiningBatch(scores, miner.config().distance(), labels, ids, refLabels, refIds, false, d);
    Triplets want = miner.mine(oracle, 7);
    assertEquals(want.sorted(), got.triplets().sorted());
    for (int t = 0; t < got.triplets().size(); t++) {
      int a = got.triplets().anchor(t);
      assertNotEquals(ids[a], refIds[got.triplets().positive(t)]);
      assertNotEquals(ids[a], refIds[got.triplets().negative(t)]);
      assertEquals(labels[a], refLabels[got.triplets().positive(t)]);
      assertNotEquals(labels[a], refLabels[got.triplets().negative(t)]);
    }
  }

  @Test
  void streamedBatchHardMatchesBruteForceOnALargerQueue() {
    long seed = 77;
    SplittableRandom r = new SplittableRandom(seed);
    int d = 16;
    int cap = 5000;
    MemoryQueue q = MemoryQueue.builder(cap, d).build();
    long[] ql = new long[cap + 300];
    for (int i = 0; i < ql.length; i++) {
      ql[i] = r.nextInt(40);
    }
    q.enqueue(gaussian(cap + 300, d, r), ql, range(0, cap + 300), 0);
    int b = 40;
    FloatMatrix batch = gaussian(b, d, r);
    long[] labels = Arrays.copyOfRange(ql, cap + 260, cap + 300);
    long[] ids = range(cap + 260, b); // the last 40 queued items are this batch
    QueueMining m = q.mine(Miners.create("batch-hard", MinerConfig.defaults()), batch, labels, ids, 1);
    QueueView v = m.queue();
    FloatMatrix nb = Similarities.normalizeRows(batch);
    FloatMatrix refs = concatRows(nb, v.embeddings());
    long[] refLabels = concat(labels, v.labels());
    long[] refIds = concat(ids, v.ids());
    assertEquals(b, m.triplets().size());
    for (int t = 0; t < b; t++) {
      int a = m.triplets().anchor(t);
      float far = Float.NEGATIVE_INFINITY;
      float near = Float.POSITIVE_INFINITY;
      for (int j = 0; j < refs.rows(); j++) {
        if (refIds[j] == ids[a]) {
          continue;
        }
        float dist = Similarities.score(nb, a, refs, j, Distance.L2);
        if (refLabels[j] == labels[a]) {
          far = Math.max(far, dist);
        } else {
          near = Math.min(near, dist);
        }
      }
      float gotP = Similarities.score(nb, a, refs, m.triplets().positive(t), Distance.L2);
      float gotN = Similarities.score(nb, a, refs, m.triplets().negative(t), Distance.L2);
      assertEquals(far, gotP, 1e-4f);
      assertEquals(near, gotN, 1e-4f);
    }
    assertTrue(m.queueNegatives() > b / 2, "a 5000-row queue supplies most hardest negatives");
  }

  /** A writer enqueues rows whose every value is the step; readers must never see a torn row. */
  @Test
  void concurrentReadersSeeConsistentRows() throws Exception {
    int d = 32;
    MemoryQueue q = MemoryQueue.builder(256, d).normalize(false).warmup(0).build();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get() && failure.get() == null) {
          QueueView v = q.snapshot();
          checkRows(v, failure);
          QueueView z = q.view();
          AtomicReference<String> local = new AtomicReference<>();
          checkRows(z, local);
          if (local.get() != null && z.isCurrent()) {
            failure.set("a view that reports itself current was torn: " + local.get());
          }
        }
      });
      th.start();
      readers.add(th);
    }
    for (int step = 1; step <= 3000; step++) {
      float[] data = new float[64 * d];
      Arrays.fill(data, step);
      long[] l = new long[64];
      Arrays.fill(l, step);
      q.enqueue(FloatMatrix.of(64, d, data), l, null, step);
    }
    stop.set(true);
    for (Thread th : readers) {
      th.join();
    }
    assertEquals(null, failure.get());
  }

  private static void checkRows(QueueView v, AtomicReference<String> failure) {
    for (int r = 0; r < v.size(); r++) {
      float first = v.embeddings().get(r, 0);
      if (v.embeddings().get(r, v.embeddings().cols() - 1) != first || v.labels()[r] != (long) first
          || v.steps()[r] != (long) first) {
        failure.compareAndSet(null, "row " + r + ": " + first + " label " + v.labels()[r] + " step " + v.steps()[r]);
        return;
      }
    }
  }

  static FloatMatrix concatRows(FloatMatrix a, FloatMatrix b) {
    float[] out = Arrays.copyOf(a.data(), a.data().length + b.data().length);
    System.arraycopy(b.data(), 0, out, a.data().length, b.data().length);
    return FloatMatrix.of(a.rows() + b.rows(), a.cols(), out);
  }

  static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
