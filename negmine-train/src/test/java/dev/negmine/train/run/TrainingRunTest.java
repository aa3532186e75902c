package dev.negmine.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.monitor.BatchStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
  /** Gaussian blobs: {@code classes} centres in {@code dim} dimensions, noise {@code noise}. */
  static LabeledData blobs(int classes, int perClass, int dim, double noise, long seed) {
    Random r = new Random(seed);
    double[][] centres = new double[classes][dim];
    for (double[] c : centres) {
      for (int k = 0; k < dim; k++) {
        c[k] = r.nextGaussian();
      }
    }
    int n = classes * perClass;
    float[] x = new float[n * dim];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      for (int k = 0; k < dim; k++) {
        x[i * dim + k] = (float) (centres[(int) y[i]][k] + noise * r.nextGaussian());
      }
    }
    return new LabeledData(FloatMatrix.of(n, dim, x), y, 0, "blobs");
  }

  static TrainConfig config(String recipe, int epochs, double lr) {
    return TrainConfig.builder().encoder(new EncoderSpec(EncoderSpec.Kind.MLP, 16, 0, new int[] {32}, 8))
        .curriculum(Recipes.curriculum(recipe, epochs, 32, 0.2, null)).loss("triplet").reduction(Reduction.ACTIVE_MEAN)
        .temperature(0.05).learningRate(lr).mPerClass(8).seed(42).build();
  }

  static TrainingRun.Builder run(Path dir, TrainConfig cfg, LabeledData train, LabeledData eval) {
    return TrainingRun.builder().dir(dir).config(cfg).train(train).eval(eval)
        .miners(TestSupport.MINERS).evaluator(TestSupport.METRICS);
  }

  @Test
  void killedAndResumedRunEndsExactlyAsTheUninterruptedOne(@TempDir Path tmp) throws Exception {
    LabeledData train = blobs(4, 64, 16, 1.0, 1);
    LabeledData eval = blobs(4, 25, 16, 1.0, 1);
    TrainConfig cfg = config("facenet", 5, 0.003);
    RunSummary whole = run(tmp.resolve("whole"), cfg, train, eval).build().run();

    Path dir = tmp.resolve("killed");
    class Kill extends RuntimeException {}
    RunListener killer = new RunListener() {
      @Override
      public void onStep(BatchStats s) {
        if (s.step() == 17) {
          throw new Kill();
        }
      }
    };
    assertThrows(Kill.class, () -> run(dir, cfg, train, eval).checkpointEverySteps(5).listener(killer).build().run());
    assertTrue(Files.exists(dir.resolve(RunFiles.CHECKPOINT)));
    assertFalse(Files.exists(dir.resolve(RunFiles.SUMMARY)));
    RunSummary resumed = run(dir, cfg, train, eval).checkpointEverySteps(5).resume(true).build().run();

    assertEquals(whole.steps(), resumed.steps());
    for (String k : whole.finalMetrics().keySet()) {
      assertEquals(whole.finalMetrics().get(k), resumed.finalMetrics().get(k), 1e-6, k);
    }
    assertArrayEquals(Files.readAllBytes(tmp.resolve("whole/model/weights.params")),
        Files.readAllBytes(dir.resolve("model/weights.params")), "identical weights");
    assertEquals(stepLines(tmp.resolve("whole")), stepLines(dir), "the metrics log holds each step once");
  }

  static java.util.List<String> stepLines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunFiles.METRICS)).stream().filter(l -> l.contains("\"type\":\"step\"")).toList();
  }

  @Test
  void refusesToOverwriteOrResumeAnIncompatibleRun(@TempDir Path tmp) throws Exception {
    LabeledData train = blobs(4, 32, 16, 1.0, 1);
    LabeledData eval = blobs(4, 10, 16, 1.0, 2);
    Path dir = tmp.resolve("run");
    run(dir, config("semi-hard", 1, 0.003), train, eval).build().run();
    byte[] before = Files.readAllBytes(dir.resolve(RunFiles.SUMMARY));
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> run(dir, config("semi-hard", 1, 0.003), train, eval).build().run());
    assertTrue(again.getMessage().contains("already holds a run"));
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> run(dir, config("semi-hard", 2, 0.003), train, eval).resume(true).build().run());
    assertTrue(other.getMessage().contains("cannot resume"), other.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(RunFiles.SUMMARY)), "earlier run intact");
  }

  @Test
  void collapseIsDetectedAndCanStopTheRun(@TempDir Path tmp) throws Exception {
    // labels independent of the features: batch-hard with a large learning rate pulls everything together
    LabeledData noise = blobs(4, 64, 16, 1.0, 3);
    long[] shuffled = noise.labels().clone();
    java.util.Collections.shuffle(java.util.Arrays.asList(java.util.Arrays.stream(shuffled).boxed().toArray()), new Random(1));
    Random r = new Random(5);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    LabeledData random = new LabeledData(noise.features(), shuffled, 0, "random labels");
    RunSummary s = run(tmp.resolve("collapse"), config("batch-hard", 40, 0.01), random, random)
        .stopOnCollapse(true).build().run();
    assertNotNull(s.collapse(), "the detector fires");
    assertTrue(s.stoppedEarly());
  }

  @Test
  void healthyRunRaisesNoAlarm(@TempDir Path tmp) throws Exception {
    LabeledData train = blobs(4, 64, 16, 1.0, 1);
    RunSummary s = run(tmp.resolve("ok"), config("semi-hard", 10, 0.003), train, blobs(4, 20, 16, 1.0, 1)).build().run();
    assertNull(s.collapse());
    assertTrue(s.finalMetrics().get("p_at_1") > s.baselineMetrics().get("p_at_1") - 0.05);
  }

  @Test
  void everyLossAndRecipeTrainsEndToEnd(@TempDir Path tmp) throws Exception {
    LabeledData train = blobs(4, 48, 16, 1.0, 1);
    LabeledData eval = blobs(4, 20, 16, 1.0, 1);
    String[][] cases = {{"facenet", "triplet"}, {"facenet-bh", "triplet"}, {"all-triplets", "soft-triplet"},
        {"semi-hard", "contrastive"}, {"infonce", "infonce"}, {"random", "triplet"}};
    for (String[] c : cases) {
      TrainConfig cfg = TrainConfig.builder().encoder(new EncoderSpec(EncoderSpec.Kind.MLP, 16, 0, new int[] {32}, 8))
          .curriculum(Recipes.curriculum(c[0], 3, 32, 0.2, null)).loss(c[1]).reduction(Reduction.ACTIVE_MEAN)
          .temperature(0.1).learningRate(0.003).mPerClass(8).seed(7).build();
      RunSummary s = run(tmp.resolve(c[0] + "-" + c[1]), cfg, train, eval).build().run();
      double p1 = s.finalMetrics().get("p_at_1");
      assertTrue(p1 > 0.5, c[0] + "/" + c[1] + " learned nothing: P@1 " + p1);
    }
  }
}
