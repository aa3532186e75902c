package dev.negmine.train.negatives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.loss.MixedTripletLoss;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.loss.SourceContrastiveLoss;
import dev.negmine.train.loss.SourceInfoNceLoss;
import dev.negmine.train.loss.SourceLoss;
import dev.negmine.train.loss.StepTuples;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every negative source with every loss: the source's own negatives (not a fallback) reach the loss,
 * and the loss's gradient with respect to the step's live rows equals central finite differences of
 * the same loss on the same tuples (a gradient check on the identity encoder, embeddings as leaves).
 */
class SourceLossContractTest {
  private static final int D = 4;
  private static final double MARGIN = 1.0;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String s : List.of("in-batch", "random", "offline", "queue-band", "queue-hardest", "dynamic")) {
      for (String loss : List.of("triplet", "contrastive", "infonce")) {
        out.add(Arguments.of(s, loss));
      }
    }
    return out.stream();
  }

  static SourceLoss loss(String name) {
    return switch (name) {
      case "triplet" -> new MixedTripletLoss(MARGIN, Reduction.MEAN);
      case "contrastive" -> new SourceContrastiveLoss(0, 1.5, Reduction.MEAN);
      default -> new SourceInfoNceLoss(0.5);
    };
  }

  static SourcesConfig config(String s, Path tmp) throws Exception {
    SourcesConfig.Builder b = SourcesConfig.builder().slots(3).detachExtras(false);
    return switch (s) {
      case "in-batch" -> b.mix("in-batch=1").build();
      case "random" -> b.mix("random=1").randomPerStep(16).build();
      case "offline" -> b.mix("offline=1").pool(NegativeSourcesTest.writePool(tmp.resolve("pool"), InstantSource.system(),
          Duration.ofHours(1)).toString()).poolPerAnchor(3).poolExpiry("warn").poolTop(6).poolTtl(Duration.ofHours(1)).build();
      case "queue-band" -> b.mix("queue=1").queue(32).queueWarmup(16).build();
      case "queue-hardest" -> b.mix("queue=1").queue(32).queueWarmup(16)
          .queueSelection(SourcesConfig.QueueSelection.HARDEST).build();
      default -> b.mix("dynamic=1").dynamic(new DynamicSource.Config(8, 2, 1, 0, 0.5, false)).build();
    };
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("cases")
  void theSourcesNegativesReachTheLossAndItsGradientIsRight(String source, String lossName, @TempDir Path tmp)
      throws Exception {
    SourcesConfig sc = config(source, tmp);
    NegativeSource kind = MixSpec.parse(sc.mixFrom()).shares().keySet().stream()
        .filter(k -> MixSpec.parse(sc.mixFrom()).share(k) > 0).findFirst().orElseThrow();
    NegativeSources sources = NegativeSourcesTest.sources(sc, InstantSource.system(), null);
    // the step's embeddings: random unit rows, so every loss has active terms
    FloatMatrix features = randomUnitRows(48, 11);
    if (kind == NegativeSource.QUEUE) {
      assertEquals(source.equals("queue-hardest") ? SourcesConfig.QueueSelection.HARDEST : SourcesConfig.QueueSelection.BAND,
          sc.queue().selection());
      // fill the queue with jittered copies of other items (new ids), as earlier steps would have
      SplittableRandom r = new SplittableRandom(5);
      float[] keys = new float[32 * D];
      long[] labels = new long[32];
      long[] ids = new long[32];
      for (int i = 0; i < 32; i++) {
        for (int k = 0; k < D; k++) {
          keys[i * D + k] = features.get(i, k) + (float) (0.1 * (r.nextDouble() - 0.5));
        }
        labels[i] = NegativeSourcesTest.labels()[i];
        ids[i] = 5000 + i;
      }
      sources.queue().enqueue(Similarities.normalizeRows(FloatMatrix.of(32, D, keys)), labels, ids, 0);
    }
    SourceLoss loss = loss(lossName);
    int[] rows = NegativeSourcesTest.batch(12, 3);
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      StepRequest plan = sources.prepare(rows, 1);
      FloatMatrix host = features.gather(plan.forwardRows());
      NDArray live = m.create(host.data(), new Shape(host.rows(), D));
      live.setRequiresGradient(true);
      float value;
      try (var gc = TorchRuntime.engine().newGradientCollector()) {
        NDArray l = sources.loss(plan, live, host, MARGIN, loss);
        value = l.getFloat();
        gc.backward(l);
      }
      StepTuples t = sources.lastTuples;
      long fromSource = java.util.Arrays.stream(t.negSource()).filter(k -> k == kind).count();
      assertTrue(fromSource > 0, kind + " picked none of the step's negatives");
      assertTrue(Float.isFinite(value) && value > 0, kind + " x " + lossName + ": loss " + value);
      float[] grad = live.getGradient().toFloatArray();
      NDArray constants = t.constants().rows() == 0 ? null
          : m.create(t.constants().data(), new Shape(t.constants().rows(), D));
      // gradient check on every coordinate of every row that one of the source's negatives touches,
      // or (constant negatives) every anchor of one
      double maxGrad = 0;
      int checked = 0;
      for (int k = 0; k < t.negRow().length; k++) {
        if (t.negSource()[k] != kind) {
          continue;
        }
        int row = t.negRow()[k] < t.liveRows() ? t.negRow()[k] : t.negAnchor()[k];
        for (int c = 0; c < D; c++) {
          double fd = finiteDifference(m, host, row * D + c, constants, t, loss);
          assertEquals(fd, grad[row * D + c], 2e-3 + 2e-2 * Math.abs(fd), kind + " x " + lossName + " row " + row);
          maxGrad = Math.max(maxGrad, Math.abs(grad[row * D + c]));
          checked++;
        }
      }
      assertTrue(checked > 0 && maxGrad > 0, kind + " x " + lossName + ": no gradient through the source's rows");
    } finally {
      sources.close();
    }
  }

  private static FloatMatrix randomUnitRows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[n * D];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) (r.nextDouble() - 0.5);
    }
    return Similarities.normalizeRows(FloatMatrix.of(n, D, f));
  }

  /** Central difference of the loss on fixed tuples, in double around the float input. */
  private static double finiteDifference(NDManager m, FloatMatrix host, int at, NDArray constants, StepTuples t,
      SourceLoss loss) {
    float h = 2e-3f;
    float[] plus = host.data().clone();
    float[] minus = host.data().clone();
    plus[at] += h;
    minus[at] -= h;
    float lp = loss.compute(m.create(plus, new Shape(host.rows(), D)), constants, t).getFloat();
    float lm = loss.compute(m.create(minus, new Shape(host.rows(), D)), constants, t).getFloat();
    return (lp - lm) / (2.0 * h);
  }
}
