package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.index.dynamic.DynamicIndex;
import dev.negmine.index.dynamic.Neighbors;
import dev.negmine.index.dynamic.SgTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains one arm's dual encoder with sampled-softmax negatives and a log-Q correction, and measures
 * its negatives against the exact current softmax on fixed probe queries. Every arm starts from the
 * same weights and sees the same training queries (same seeds); only the negatives differ.
 *
 * <p>Loss: {@link SampledSoftmax} (log-Q corrected softmax cross-entropy over the positive and the
 * drawn negatives); optimizer: the engine's Adam rule on the towers' host arrays ({@link Tower}). The encoder budget counted per step: query rows + target rows encoded for
 * the loss + rows spent keeping the index current.
 */
final class ArmRun {
  private final Arm arm;
  private final ExperimentConfig c;
  private final RetrievalTask task;
  private final FloatMatrix probeX;
  private final int[] probeTargets;
  private final Tower qt;
  private final Tower tt;
  private final int batch;
  private final int k;

  private FloatMatrix stale; // STATIC: unit-norm target encodings at the last refresh
  private DynamicIndex index; // TREE_STALE, NYSTROM_BRUTE, TREE_NYSTROM, ORACLE
  private long trainRows;
  private long refreshRows;
  private long floatsCurrent;
  private long sampleNanos;
  private long proposals;
  private long accepted;
  private long scored;
  private long sampledQueries;

  final List<Map<String, Object>> series = new ArrayList<>();

  ArmRun(Arm arm, ExperimentConfig c, RetrievalTask task, FloatMatrix probeX, int[] probeTargets) {
    this.arm = arm;
    this.c = c;
    this.task = task;
    this.probeX = probeX;
    this.probeTargets = probeTargets;
    this.qt = new Tower(c.featureDim(), c.hidden(), c.embedDim(), c.seed() * 31 + 1);
    this.tt = new Tower(c.featureDim(), c.hidden(), c.embedDim(), c.seed() * 31 + 2);
    int b = c.batch();
    int budget = b * (2 + c.negatives()) + c.refreshBudget();
    if (arm == Arm.IN_BATCH) {
      this.batch = budget / 2;
      this.k = batch - 1;
    } else if (arm == Arm.UNIFORM) {
      this.batch = b;
      this.k = c.negatives() + c.refreshBudget() / b;
    } else {
      this.batch = b;
      this.k = c.negatives();
    }
  }

  DynamicIndex index() {
    return index;
  }

  /** The trained query tower's embeddings of raw query features. */
  FloatMatrix encodeQueries(FloatMatrix x) {
    return qt.encode(x);
  }

  /** Runs the whole arm; returns its summary (series kept in {@link #series}). */
  Map<String, Object> run(ProgressSink progress) {
    long t0 = System.nanoTime();
    long evalNanos = 0;
    int n = c.targets();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    DynamicIndex.TargetEncoder encoder = ids -> tt.encode(task.targetRows(ids));
    FloatMatrix initial = encoder.encode(all); // the shared starting point, not counted per step
    switch (arm) {
      case STATIC -> stale = initial;
      case TREE_STALE, TREE_NYSTROM -> index = newIndex(initial, DynamicIndex.Sampling.TREE);
      case NYSTROM_BRUTE, ORACLE -> index = newIndex(initial, DynamicIndex.Sampling.BRUTE_FORCE);
      default -> { }
    }
    SplittableRandom data = new SplittableRandom(c.seed() * 7 + 3);
    int refreshEvery = c.staticRefreshEvery();
    for (int step = 0; step < c.steps(); step++) {
      if (step > 0) {
        refresh(step, refreshEvery, encoder, all);
      }
      if (step % c.evalEvery() == 0) {
        long e0 = System.nanoTime();
        evaluate(step, step % refreshEvery, all);
        evalNanos += System.nanoTime() - e0;
      }
      trainStep(step, data);
      progress.step(arm, step + 1, c.steps());
    }
    long e0 = System.nanoTime();
    evaluate(c.steps(), c.steps() % refreshEvery, all);
    Map<String, Object> test = testRecall(all);
    evalNanos += System.nanoTime() - e0;
    double wall = (System.nanoTime() - t0) / 1e9;

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", arm.label);
    out.put("batch", batch);
    out.put("negatives_per_query", k);
    out.put("mean_tv", meanOf("tv"));
    out.put("mean_grad_rel_error", meanOf("grad_rel_error"));
    out.put("mean_recall_true_top100", meanOf("recall_true_top100"));
    out.putAll(test);
    double steps = c.steps();
    out.put("encoder_rows_per_step", round((trainRows + refreshRows) / steps));
    out.put("encoder_rows_per_step_loss", round(trainRows / steps));
    out.put("encoder_rows_per_step_refresh", round(refreshRows / steps));
    out.put("floats_current_per_step", round(floatsCurrent / steps));
    if (arm == Arm.NYSTROM_BRUTE || arm == Arm.TREE_NYSTROM) {
      out.put("landmark_window_floats_held", index.landmarkBufferFloats());
    }
    out.put("wall_s", round(wall));
    out.put("train_s", round(wall - evalNanos / 1e9));
    out.put("sampling_ms_per_step", round(sampleNanos / 1e6 / steps));
    if (proposals > 0) {
      out.put("acceptance_rate", round((double) accepted / proposals));
      out.put("targets_scored_per_query", round((double) scored / sampledQueries));
    }
    return out;
  }

  private DynamicIndex newIndex(FloatMatrix initial, DynamicIndex.Sampling s) {
    return DynamicIndex.builder(initial).metric(SgTree.Metric.COSINE).tau(c.tau()).landmarks(c.refreshBudget())
        .driftMap(true, 1e-6).landmarkWindow(c.landmarkWindow()).rebuild(c.rebuildEvery(), c.rebuildMaxSize()).frontier(0.5, 4000)
        .sampling(s).seed(c.seed()).build();
  }

  private void refresh(int step, int refreshEvery, DynamicIndex.TargetEncoder encoder, int[] all) {
    long d = c.embedDim();
    switch (arm) {
      case STATIC -> {
        if (step % refreshEvery == 0) {
          stale = encoder.encode(all);
          refreshRows += all.length;
          floatsCurrent += all.length * d;
        }
      }
      case TREE_STALE -> {
        if (step % refreshEvery == 0) {
          index.fullReencode(encoder);
          refreshRows += all.length;
          floatsCurrent += all.length * d;
        }
      }
      case NYSTROM_BRUTE, TREE_NYSTROM -> {
        index.refreshLandmarks(encoder);
        refreshRows += c.refreshBudget();
        floatsCurrent += index.floatsPerRefresh();
      }
      case ORACLE -> {
        index.fullReencode(encoder);
        refreshRows += all.length;
        floatsCurrent += all.length * d;
      }
      default -> { }
    }
  }

  /** Negatives for every query row: ids and log Q, k per row. */
  private record Drawn(int[] ids, float[] logQ) {}

  private Drawn draw(FloatMatrix qe, int perQuery, long seed, SplittableRandom rng) {
    int rows = qe.rows();
    int n = c.targets();
    switch (arm) {
      case UNIFORM, IN_BATCH -> {
        int[] ids = new int[rows * perQuery];
        float[] lq = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = rng.nextInt(n);
          lq[i] = (float) -Math.log(n);
        }
        return new Drawn(ids, lq);
      }
      case STATIC -> {
        TopK top = Similarities.topK(qe, stale, Distance.DOT, c.staticTop());
        int[] ids = new int[rows * perQuery];
        float[] lq = new float[ids.length];
        int kk = c.staticTop();
        double[] cum = new double[kk];
        for (int r = 0; r < rows; r++) {
          double max = top.score(r, 0) / c.tau();
          double acc = 0;
          for (int j = 0; j < kk; j++) {
            acc += Math.exp(top.score(r, j) / c.tau() - max);
            cum[j] = acc;
          }
          double logZ = max + Math.log(acc);
          for (int s = 0; s < perQuery; s++) {
            double u = rng.nextDouble() * acc;
            int j = 0;
            while (j < kk - 1 && cum[j] <= u) {
              j++;
            }
            ids[r * perQuery + s] = top.index(r, j);
            lq[r * perQuery + s] = (float) (top.score(r, j) / c.tau() - logZ);
          }
        }
        return new Drawn(ids, lq);
      }
      default -> {
        DynamicIndex.Negatives neg = index.sample(qe, perQuery, seed);
        proposals += neg.proposals();
        accepted += neg.accepted();
        scored += neg.scored();
        sampledQueries += rows;
        return new Drawn(neg.ids(), neg.logProbabilities());
      }
    }
  }

  private void trainStep(int step, SplittableRandom data) {
    int[] pos = new int[batch];
    for (int i = 0; i < batch; i++) {
      pos[i] = data.nextInt(c.targets());
    }
    FloatMatrix qx = task.queries(pos, data);
    Tower.Cache qc = qt.forward(qx);
    FloatMatrix qe = qc.e();
    int[] rowsIds;
    int[][] cand; // per query: candidate rows into the target batch, [0] = positive
    float[][] corr;
    if (arm == Arm.IN_BATCH) {
      rowsIds = pos;
      cand = new int[batch][batch];
      corr = new float[batch][batch];
      float cst = (float) Math.log((batch - 1) / (double) c.targets());
      for (int i = 0; i < batch; i++) {
        cand[i][0] = i;
        int w = 1;
        for (int j = 0; j < batch; j++) {
          if (j != i) {
            cand[i][w] = j;
            corr[i][w] = cst;
            w++;
          }
        }
      }
    } else {
      long s0 = System.nanoTime();
      Drawn d = draw(qe, k, c.seed() * 1_000_003L + step, new SplittableRandom(c.seed() * 977 + step));
      sampleNanos += System.nanoTime() - s0;
      rowsIds = new int[batch + batch * k];
      System.arraycopy(pos, 0, rowsIds, 0, batch);
      System.arraycopy(d.ids(), 0, rowsIds, batch, batch * k);
      cand = new int[batch][k + 1];
      corr = new float[batch][k + 1];
      for (int i = 0; i < batch; i++) {
        cand[i][0] = i;
        for (int j = 0; j < k; j++) {
          cand[i][j + 1] = batch + i * k + j;
          corr[i][j + 1] = (float) (Math.log(k) + d.logQ()[i * k + j]);
        }
      }
    }
    Tower.Cache tc = tt.forward(task.targetRows(rowsIds));
    trainRows += batch + rowsIds.length;
    FloatMatrix te = tc.e();
    FloatMatrix scores = Similarities.matrix(qe, te, Distance.DOT); // batch x rows
    FloatMatrix g = SampledSoftmax.scoreGradient(scores, cand, corr, rowsIds, pos, 1.0 / c.tau()); // dLoss/dscore
    // dq = G te, dt = G^T qe (as A B^T products for the SIMD kernel)
    FloatMatrix dq = Similarities.matrix(g, Tower.transpose(te), Distance.DOT);
    FloatMatrix dt = Similarities.matrix(Tower.transpose(g), Tower.transpose(qe), Distance.DOT);
    qt.backward(qc, dq);
    tt.backward(tc, dt);
    qt.adam(c.lr());
    tt.adam(c.lr());
  }

  /** Probe figures against the exact softmax over the current encodings (evaluation only, not counted). */
  private void evaluate(int step, int sinceRefresh, int[] all) {
    FloatMatrix cur = tt.encode(task.targetRows(all));
    FloatMatrix pe = qt.encode(probeX);
    int n = c.targets();
    int pn = pe.rows();
    FloatMatrix trueScores = Similarities.matrix(pe, cur, Distance.DOT);
    FloatMatrix armScores = switch (arm) {
      case STATIC -> Similarities.matrix(pe, stale, Distance.DOT);
      case TREE_STALE, NYSTROM_BRUTE, TREE_NYSTROM, ORACLE -> Similarities.matrix(pe, index.vectors(), Distance.DOT);
      default -> null;
    };
    TopK armTop = arm == Arm.STATIC ? Similarities.topK(pe, stale, Distance.DOT, c.staticTop()) : null;
    TopK trueTop = Similarities.topK(pe, cur, Distance.DOT, 100);
    Drawn drawn = draw(pe, k, c.seed() * 31_337L + step, new SplittableRandom(c.seed() * 4242 + step));
    double tvSum = 0;
    double gradSum = 0;
    double recallSum = 0;
    double invTau = 1.0 / c.tau();
    double[] p = new double[n];
    double[] q = new double[n];
    int d = c.embedDim();
    for (int r = 0; r < pn; r++) {
      SampledSoftmax.softmax(trueScores.data(), r * n, n, invTau, p);
      if (armScores == null) {
        java.util.Arrays.fill(q, 1.0 / n);
      } else if (arm == Arm.STATIC) {
        java.util.Arrays.fill(q, 0);
        double max = armTop.score(r, 0) * invTau;
        double z = 0;
        for (int j = 0; j < c.staticTop(); j++) {
          z += Math.exp(armTop.score(r, j) * invTau - max);
        }
        for (int j = 0; j < c.staticTop(); j++) {
          q[armTop.index(r, j)] = Math.exp(armTop.score(r, j) * invTau - max) / z;
        }
      } else {
        SampledSoftmax.softmax(armScores.data(), r * n, n, invTau, q);
      }
      double tv = 0;
      for (int i = 0; i < n; i++) {
        tv += Math.abs(p[i] - q[i]);
      }
      tvSum += tv / 2;
      // gradient of the softmax loss w.r.t. the probe's query embedding: exact vs the arm's estimate
      int pos = probeTargets[r];
      double[] gTrue = new double[d];
      for (int i = 0; i < n; i++) {
        if (p[i] > 1e-12) {
          for (int a = 0; a < d; a++) {
            gTrue[a] += p[i] * cur.get(i, a);
          }
        }
      }
      double[] logits = new double[k + 1];
      logits[0] = trueScores.get(r, pos) * invTau;
      double max = logits[0];
      for (int j = 0; j < k; j++) {
        int y = drawn.ids()[r * k + j];
        logits[j + 1] = y == pos ? Double.NEGATIVE_INFINITY
            : trueScores.get(r, y) * invTau - (Math.log(k) + drawn.logQ()[r * k + j]);
        max = Math.max(max, logits[j + 1]);
      }
      double z = 0;
      for (int j = 0; j <= k; j++) {
        logits[j] = Math.exp(logits[j] - max);
        z += logits[j];
      }
      double[] gEst = new double[d];
      for (int j = 0; j <= k; j++) {
        int y = j == 0 ? pos : drawn.ids()[r * k + j - 1];
        for (int a = 0; a < d; a++) {
          gEst[a] += logits[j] / z * cur.get(y, a);
        }
      }
      double num = 0;
      double den = 0;
      for (int a = 0; a < d; a++) {
        double gt = gTrue[a] - cur.get(pos, a);
        double ge = gEst[a] - cur.get(pos, a);
        num += (ge - gt) * (ge - gt);
        den += gt * gt;
      }
      gradSum += Math.sqrt(num / Math.max(den, 1e-30));
      // recall of the true top-100 by the arm's own top-100
      java.util.Set<Integer> truth = new java.util.HashSet<>();
      for (int j = 0; j < 100; j++) {
        truth.add(trueTop.index(r, j));
      }
      int hit = 0;
      if (arm == Arm.STATIC) {
        for (int j = 0; j < Math.min(100, c.staticTop()); j++) {
          hit += truth.contains(armTop.index(r, j)) ? 1 : 0;
        }
        recallSum += hit / 100.0;
      } else if (arm == Arm.TREE_STALE || arm == Arm.TREE_NYSTROM) {
        Neighbors nb = index.tree().knn(pe.row(r), 100);
        for (int id : nb.ids()) {
          hit += truth.contains(id) ? 1 : 0;
        }
        recallSum += hit / 100.0;
      } else if (armScores != null) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
          idx[i] = i;
        }
        final int rr = r;
        final float[] sd = armScores.data();
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(sd[rr * n + b], sd[rr * n + a]));
        for (int j = 0; j < 100; j++) {
          hit += truth.contains(idx[j]) ? 1 : 0;
        }
        recallSum += hit / 100.0;
      } else {
        recallSum += 100.0 / n; // expected overlap of a uniformly random 100
      }
    }
    Map<String, Object> pt = new LinkedHashMap<>();
    pt.put("step", step);
    pt.put("since_refresh", sinceRefresh);
    pt.put("tv", round(tvSum / pn));
    pt.put("grad_rel_error", round(gradSum / pn));
    pt.put("recall_true_top100", round(recallSum / pn));
    series.add(pt);
  }

  private Map<String, Object> testRecall(int[] all) {
    SplittableRandom r = new SplittableRandom(c.seed() * 101 + 9);
    int[] ids = new int[c.testQueries()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = r.nextInt(c.targets());
    }
    FloatMatrix qe = qt.encode(task.queries(ids, r));
    FloatMatrix cur = tt.encode(task.targetRows(all));
    TopK top = Similarities.topK(qe, cur, Distance.DOT, 100);
    int h1 = 0;
    int h10 = 0;
    int h100 = 0;
    for (int i = 0; i < ids.length; i++) {
      for (int j = 0; j < 100; j++) {
        if (top.index(i, j) == ids[i]) {
          h1 += j < 1 ? 1 : 0;
          h10 += j < 10 ? 1 : 0;
          h100++;
          break;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("test_recall@1", round(h1 / (double) ids.length));
    m.put("test_recall@10", round(h10 / (double) ids.length));
    m.put("test_recall@100", round(h100 / (double) ids.length));
    return m;
  }

  private double meanOf(String key) {
    double s = 0;
    int n = 0;
    for (Map<String, Object> p : series) {
      if (((Number) p.get("step")).intValue() > 0) {
        s += ((Number) p.get(key)).doubleValue();
        n++;
      }
    }
    return n == 0 ? Double.NaN : round(s / n);
  }

  static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1e5) / 1e5 : v;
  }

  /** Receives progress (steps done per arm). */
  interface ProgressSink {
    void step(Arm arm, int done, int total);
  }
}
