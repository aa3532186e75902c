package dev.negmine.train.negatives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceStats;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolExpiredException;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.VectorIndexes;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.loss.MixedTripletLoss;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.model.Encoders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NegativeSourcesTest {
  private static final int N = 48;
  private static final int D = 4;

  /** A clock tests move by hand. */
  static final class FakeClock implements InstantSource {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));

    @Override
    public Instant instant() {
      return now.get();
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }
  }

  static FloatMatrix features(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[N * D];
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < D; k++) {
        f[i * D + k] = (float) ((k == i % 4 ? 2 : 0) + r.nextDouble() - 0.5);
      }
    }
    return Similarities.normalizeRows(FloatMatrix.of(N, D, f));
  }

  static long[] labels() {
    long[] l = new long[N];
    for (int i = 0; i < N; i++) {
      l[i] = i % 4;
    }
    return l;
  }

  static long[] ids() {
    long[] id = new long[N];
    for (int i = 0; i < N; i++) {
      id[i] = 1000 + i;
    }
    return id;
  }

  static NegativeSources sources(SourcesConfig sc, InstantSource clock, Path poolDir) {
    FloatMatrix x = features(1);
    return new NegativeSources(sc, EncoderSpec.mlp(D, D), x, labels(), ids(), 7, 100, clock, poolDir, null, List.of(),
        Similarities::normalizeRows, () -> { throw new IllegalStateException("no weights"); });
  }

  static int[] batch(int b, long seed) {
    int[] rows = new int[b];
    SplittableRandom r = new SplittableRandom(seed);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < b; ) {
      int v = r.nextInt(N);
      if (seen.add(v)) {
        rows[i++] = v;
      }
    }
    return rows;
  }

  @Test
  void mixerCountsFollowTheRatiosEveryStepAndTheLossUsesThem() {
    SourcesConfig sc = SourcesConfig.builder().mix("random=0.3,in-batch=0.7").mixTo("random=0.1,in-batch=0.9")
        .rampFraction(0.5).slots(10).randomPerStep(16).build();
    NegativeSources s = sources(sc, InstantSource.system(), null);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      for (long step : new long[] {0, 25, 50, 99}) {
        int[] rows = new int[20];
        for (int i = 0; i < 20; i++) {
          rows[i] = (int) ((i + step) % N);
        }
        StepRequest plan = s.prepare(rows, step);
        int total = 200;
        double share = step >= 50 ? 0.1 : 0.3 + (0.1 - 0.3) * step / 50.0;
        assertEquals(Math.round(share * total), plan.mix().count(NegativeSource.RANDOM), "step " + step);
        assertEquals(total - plan.mix().count(NegativeSource.RANDOM), plan.mix().count(NegativeSource.IN_BATCH));
        FloatMatrix host = features(1).gather(plan.forwardRows());
        NDArray all = m.create(host.data(), new Shape(host.rows(), D));
        s.loss(plan, all, host, 0.2, Reduction.ACTIVE_MEAN);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) s.lastStats().get("sources");
        assertEquals((long) plan.mix().count(NegativeSource.RANDOM), per.get("random").get("count"));
        assertEquals((long) plan.mix().count(NegativeSource.IN_BATCH), per.get("in-batch").get("count"));
      }
    }
  }

  @Test
  void listenersReceiveEveryStepsStatistics() {
    SourcesConfig sc = SourcesConfig.builder().mix("random=0.5,in-batch=0.5").slots(4).randomPerStep(8).build();
    NegativeSources s = sources(sc, InstantSource.system(), null);
    List<Long> steps = new java.util.ArrayList<>();
    List<Map<String, Object>> seen = new java.util.ArrayList<>();
    s.addListener(new SourceListener() {
      @Override
      public void onSourceStats(long step, Map<String, Object> stats) {
        steps.add(step);
        seen.add(stats);
      }
    });
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      for (long step : new long[] {4, 5}) {
        StepRequest plan = s.prepare(batch(16, step), step);
        FloatMatrix host = features(1).gather(plan.forwardRows());
        s.loss(plan, m.create(host.data(), new Shape(host.rows(), D)), host, 0.2, Reduction.ACTIVE_MEAN);
        assertSame(s.lastStats(), seen.get(seen.size() - 1));
      }
    }
    assertEquals(List.of(4L, 5L), steps);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) seen.get(1).get("sources");
    assertEquals(16L * 4, (long) per.values().stream().mapToLong(v -> (long) v.get("count")).sum(),
        "every slot of every anchor is accounted for");
  }

  @Test
  void sourceStatsOnAHandMadeCase() {
    SourceStats st = new SourceStats(0.1);
    st.record(NegativeSource.IN_BATCH, 0.5f, 0.8f, 0f);
    st.record(NegativeSource.IN_BATCH, 0.95f, 0.8f, 0.3f);
    st.record(NegativeSource.OFFLINE, 0.6f, 0.7f, 0.1f);
    var in = st.summary().get(NegativeSource.IN_BATCH);
    var off = st.summary().get(NegativeSource.OFFLINE);
    assertEquals(2, in.count());
    assertEquals(0.725, in.meanSimilarity(), 1e-6);
    assertEquals(0.5, in.activeFraction(), 1e-12);
    assertEquals(0.75, in.lossShare(), 1e-6);
    assertEquals(1, in.suspectedFalseNegatives());
    assertEquals(1, off.count());
    assertEquals(0.25, off.lossShare(), 1e-6);
    assertEquals(0, off.suspectedFalseNegatives());
  }

  @Test
  void mixedLossMatchesHandComputationAndQueueRowsGetNoGradient() {
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray rows = m.create(new float[] {1, 0, 0.8f, 0.6f}, new Shape(2, 2));
      rows.setRequiresGradient(true);
      NDArray constants = m.create(new float[] {0, 1}, new Shape(1, 2));
      float value;
      try (var gc = TorchRuntime.engine().newGradientCollector()) {
        // anchor 0, positive 1, negative: constant row 0 (index 2 in rows-then-constants)
        NDArray l = MixedTripletLoss.compute(rows, 2, constants, new int[] {0}, new int[] {2}, new int[] {1}, new int[] {0},
            1.0, Reduction.ACTIVE_MEAN);
        value = l.getFloat();
        gc.backward(l);
      }
      double dap = Math.sqrt(0.04 + 0.36);
      double dan = Math.sqrt(2);
      assertEquals(dap - dan + 1.0, value, 1e-5);
      float[] g = rows.getGradient().toFloatArray();
      // d/d(positive) of |a - p| = (p - a) / |a - p|
      assertEquals((0.8 - 1) / dap, g[2], 1e-4);
      assertEquals(0.6 / dap, g[3], 1e-4);
      assertFalse(constants.hasGradient());
    }
  }

  @Test
  void aConstantPositiveTrainsTheAnchorOnly() {
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray rows = m.create(new float[] {1, 0}, new Shape(1, 2));
      rows.setRequiresGradient(true);
      // constants: a queue positive (0.6, 0.8) and a queue negative (0, 1)
      NDArray constants = m.create(new float[] {0.6f, 0.8f, 0, 1}, new Shape(2, 2));
      float value;
      try (var gc = TorchRuntime.engine().newGradientCollector()) {
        NDArray l = MixedTripletLoss.compute(rows, 1, constants, new int[] {0}, new int[] {2}, new int[] {1}, new int[] {0},
            1.0, Reduction.ACTIVE_MEAN);
        value = l.getFloat();
        gc.backward(l);
      }
      double dap = Math.sqrt(0.16 + 0.64);
      double dan = Math.sqrt(2);
      assertEquals(dap - dan + 1.0, value, 1e-5);
      float[] g = rows.getGradient().toFloatArray();
      // d/da (|a - p| - |a - n|) = (a - p) / |a - p| - (a - n) / |a - n|
      assertEquals(0.4 / dap - 1 / dan, g[0], 1e-4);
      assertEquals(-0.8 / dap + 1 / dan, g[1], 1e-4);
      assertFalse(constants.hasGradient());
    }
  }

  @Test
  void queueNegativesPairWithTheAnchorsQueuePositives() {
    SourcesConfig sc = SourcesConfig.builder().mix("queue=1").slots(1).queue(2).queueWarmup(2).build();
    NegativeSources s = sources(sc, InstantSource.system(), null);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      // keys: one with the anchors' label 0 at distance 0.3 from them, one with label 1 at 0.4
      double cp = 1 - 0.09 / 2;
      double cn = 1 - 0.16 / 2;
      float[] keys = {(float) cp, (float) Math.sqrt(1 - cp * cp), 0, 0, (float) cn, 0, (float) Math.sqrt(1 - cn * cn), 0};
      s.queue().enqueue(FloatMatrix.of(2, D, keys), new long[] {0, 1}, new long[] {2000, 2001}, 0);
      // the batch: rows 0 and 4 (both label 0) embedded at the same point
      int[] rows = {0, 4};
      StepRequest plan = s.prepare(rows, 1);
      FloatMatrix host = FloatMatrix.of(2, D, new float[] {1, 0, 0, 0, 1, 0, 0, 0});
      NDArray all = m.create(host.data(), new Shape(2, D));
      float loss = s.loss(plan, all, host, 0.2, Reduction.ACTIVE_MEAN).getFloat();
      // against the queue positive: 0.3 - 0.4 + 0.2; against the batch positive it would be 0 - 0.4 + 0.2 < 0
      assertEquals(0.1, loss, 1e-4);
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) s.lastStats().get("sources");
      assertEquals(2L, per.get("queue").get("count"));
    }
  }

  @Test
  void detachedExtrasGiveTheSameLossAndBatchGradientsWithoutAForwardPass() {
    SourcesConfig.Builder b = SourcesConfig.builder().mix("random=0.5,in-batch=0.5").slots(6).randomPerStep(12);
    NegativeSources detached = sources(b.detachExtras(true).build(), InstantSource.system(), null);
    NegativeSources full = sources(b.detachExtras(false).build(), InstantSource.system(), null);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      for (long step : new long[] {0, 3, 17}) {
        int[] rows = batch(16, step);
        StepRequest pd = detached.prepare(rows, step);
        StepRequest pf = full.prepare(rows, step);
        assertArrayEquals(rows, pd.forwardRows(), "detached: only the batch goes through the forward pass");
        assertEquals(16 + 12, pf.forwardRows().length);
        float[][] grads = new float[2][];
        float[] values = new float[2];
        NegativeSources[] both = {detached, full};
        StepRequest[] plans = {pd, pf};
        for (int k = 0; k < 2; k++) {
          FloatMatrix host = Similarities.normalizeRows(features(1).gather(plans[k].forwardRows()));
          NDArray all = m.create(host.data(), new Shape(host.rows(), D));
          all.setRequiresGradient(true);
          try (var gc = TorchRuntime.engine().newGradientCollector()) {
            NDArray l = both[k].loss(plans[k], all, host, 1.5, Reduction.ACTIVE_MEAN);
            values[k] = l.getFloat();
            gc.backward(l);
          }
          grads[k] = all.getGradient().toFloatArray();
        }
        assertTrue(values[0] > 0, "step " + step + " has active terms");
        assertEquals(values[1], values[0], 1e-6, "step " + step);
        assertArrayEquals(java.util.Arrays.copyOf(grads[1], 16 * D), grads[0], 1e-6f, "batch gradients, step " + step);
        double extraGrad = 0;
        for (int i = 16 * D; i < grads[1].length; i++) {
          extraGrad += Math.abs(grads[1][i]);
        }
        assertTrue(extraGrad > 0, "with full gradients the random items get some");
      }
    }
  }

  @Test
  void momentumEncoderIsAnExactCopyThenFollowsTheEmaByHand() {
    EncoderSpec spec = new EncoderSpec(EncoderSpec.Kind.MLP, 3, 0, new int[] {2}, 2);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      Block q = Encoders.build(spec);
      q.initialize(m, DataType.FLOAT32, new Shape(1, 3));
      List<NDArray> params = new ArrayList<>();
      for (Pair<String, Parameter> p : q.getParameters()) {
        params.add(p.getValue().getArray());
      }
      MomentumEncoder k = new MomentumEncoder(spec, params, 0.9, m);
      List<float[]> k0 = k.weights();
      for (int i = 0; i < params.size(); i++) {
        assertArrayEquals(params.get(i).toFloatArray(), k0.get(i));
      }
      List<float[]> q1 = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        float[] v = params.get(i).toFloatArray();
        for (int j = 0; j < v.length; j++) {
          v[j] = 0.5f + j;
        }
        params.get(i).set(v);
        q1.add(v);
      }
      k.update(params);
      k.update(params);
      List<float[]> k2 = k.weights();
      for (int i = 0; i < params.size(); i++) {
        for (int j = 0; j < q1.get(i).length; j++) {
          // two steps towards a constant query: k2 = 0.81 k0 + 0.19 q1
          assertEquals(0.81 * k0.get(i)[j] + 0.19 * q1.get(i)[j], k2.get(i)[j], 1e-5, "param " + i + "[" + j + "]");
        }
      }
      FloatMatrix e = k.embed(FloatMatrix.of(1, 3, new float[] {1, 2, 3}));
      assertEquals(1.0, Math.hypot(e.get(0, 0), e.get(0, 1)), 1e-5);
    }
  }

  static Path writePool(Path dir, InstantSource clock, Duration ttl) throws Exception {
    CandidatePool p = OfflineMiner.builder().top(6).ttl(ttl).clock(clock).recallSample(0).seed(3)
        .source(Map.of("test", "initial")).build().mine(VectorIndexes.exact(features(2), ids(), Distance.COSINE), labels());
    PoolFiles.write(dir, p);
    return dir;
  }

  static SourcesConfig poolConfig(Path pool, String policy) {
    return SourcesConfig.builder().mix("in-batch=0.5,offline=0.5").slots(6).pool(pool.toString()).poolPerAnchor(3)
        .poolExpiry(policy).poolTop(6).poolTtl(Duration.ofHours(1)).build();
  }

  @Test
  void poolDrawsAreSeededDistinctAndFromTheAnchorsCandidates(@TempDir Path tmp) throws Exception {
    FakeClock clock = new FakeClock();
    Path pool = writePool(tmp.resolve("pool"), clock, Duration.ofHours(1));
    CandidatePool cp = PoolFiles.read(pool);
    NegativeSources s = sources(poolConfig(pool, "fail"), clock, null);
    int[] rows = batch(16, 3);
    StepRequest a = s.prepare(rows, 5);
    StepRequest b = s.prepare(rows, 5);
    assertArrayEquals(a.forwardRows(), b.forwardRows());
    int drawn = 0;
    for (int i = 0; i < rows.length; i++) {
      if (s.offlineDraws()[i] == null) {
        continue;
      }
      Set<Long> seen = new HashSet<>();
      int anchor = cp.indexOf(ids()[rows[i]]);
      Set<Long> allowed = new HashSet<>();
      for (int r = 0; r < cp.count(anchor); r++) {
        allowed.add(cp.candidateId(anchor, r));
      }
      assertTrue(s.offlineDraws()[i].length <= 3);
      for (int e : s.offlineDraws()[i]) {
        long id = ids()[a.extraRows()[e]];
        assertTrue(seen.add(id), "repeat within anchor " + i);
        assertTrue(allowed.contains(id), "not a pool candidate of anchor " + i);
        drawn++;
      }
    }
    assertTrue(drawn > 0);
    s.close();
  }

  @Test
  void expiryPoliciesWithAFakeClock(@TempDir Path tmp) throws Exception {
    FakeClock clock = new FakeClock();
    Path pool = writePool(tmp.resolve("pool"), clock, Duration.ofHours(1));
    int[] rows = batch(16, 4);

    NegativeSources fail = sources(poolConfig(pool, "fail"), clock, null);
    fail.prepare(rows, 0);
    clock.advance(Duration.ofHours(2));
    assertThrows(PoolExpiredException.class, () -> fail.prepare(rows, 1));
    fail.close();

    pool = writePool(tmp.resolve("pool-warn"), clock, Duration.ofHours(1));
    NegativeSources warn = sources(poolConfig(pool, "warn"), clock, null);
    warn.prepare(rows, 0);
    CandidatePool before = warn.pool().current();
    clock.advance(Duration.ofHours(2));
    warn.prepare(rows, 1);
    assertSame(before, warn.pool().current());
    assertTrue(warn.pool().drainEvents().isEmpty());
    warn.close();

    pool = writePool(tmp.resolve("pool-refresh"), clock, Duration.ofHours(1));
    NegativeSources refresh = sources(poolConfig(pool, "refresh"), clock, null);
    refresh.prepare(rows, 0);
    CandidatePool old = refresh.pool().current();
    assertTrue(refresh.pool().drainEvents().isEmpty());
    clock.advance(Duration.ofHours(2));
    refresh.prepare(rows, 1);
    assertNotSame(old, refresh.pool().current());
    assertEquals(clock.instant(), refresh.pool().current().manifest().createdAt());
    List<Map<String, Object>> events = refresh.pool().drainEvents();
    assertTrue(events.size() >= 1, events.toString());
    double overlap = (double) events.get(0).get("overlap");
    assertTrue(overlap >= 0 && overlap <= 1);
    assertTrue((double) events.get(0).get("mean_age_seconds") >= 3600);
    assertTrue(refresh.pool().drainEvents().isEmpty());
    refresh.close();
  }

  @Test
  void backgroundRefreshRacesWithSamplingAndSwapsAtomically(@TempDir Path tmp) throws Exception {
    FakeClock clock = new FakeClock();
    Path pool = writePool(tmp.resolve("pool"), clock, Duration.ofHours(1));
    EncoderSpec spec = EncoderSpec.mlp(D, D);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      Block q = Encoders.build(spec);
      q.initialize(m, DataType.FLOAT32, new Shape(1, D));
      List<float[]> w = new ArrayList<>();
      for (Pair<String, Parameter> p : q.getParameters()) {
        w.add(p.getValue().getArray().toFloatArray());
      }
      Thread trainingThread = Thread.currentThread();
      NegativeSources s = new NegativeSources(poolConfig(pool, "background"), spec, features(1), labels(), ids(), 7, 100,
          clock, null, m, List.of(), x -> {
            // the training thread embeds its detached extra items; the background refresh must not
            if (Thread.currentThread() != trainingThread) {
              throw new AssertionError("background refresh must not use the training encoder");
            }
            return Similarities.normalizeRows(x);
          },
          () -> w);
      int[] rows = batch(16, 5);
      s.prepare(rows, 0);
      CandidatePool old = s.pool().current();
      clock.advance(Duration.ofHours(2));
      long step = 1;
      // training keeps sampling while the re-mine runs; every draw comes from one whole pool
      while (s.pool().current() == old && step < 200_000) {
        StepRequest plan = s.prepare(rows, step++);
        CandidatePool seen = s.pool().current();
        for (int i = 0; i < rows.length; i++) {
          if (s.offlineDraws()[i] != null) {
            for (int e : s.offlineDraws()[i]) {
              long id = ids()[plan.extraRows()[e]];
              assertTrue(isCandidate(old, ids()[rows[i]], id) || isCandidate(seen, ids()[rows[i]], id));
            }
          }
        }
      }
      assertNotSame(old, s.pool().current(), "the background refresh never landed");
      assertTrue(step > 1);
      s.close();
      List<Map<String, Object>> events = s.pool().drainEvents();
      assertEquals("background", events.get(0).get("policy"));
    }
  }

  private static boolean isCandidate(CandidatePool p, long anchorId, long id) {
    int a = p.indexOf(anchorId);
    for (int r = 0; a >= 0 && r < p.count(a); r++) {
      if (p.candidateId(a, r) == id) {
        return true;
      }
    }
    return false;
  }
}
