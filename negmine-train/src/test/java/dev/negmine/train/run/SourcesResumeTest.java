package dev.negmine.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.data.LabeledData;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.negatives.SourcesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume with negative sources under the synchronous pool policies: a run stopped mid-way
 * (after a checkpoint, with a pool re-mined and the queue wrapped before the stop) and resumed ends
 * with the same weights, metrics and per-step lines (per-source figures included) as the run that
 * was never stopped.
 */
class SourcesResumeTest {

  static TrainConfig config(SourcesConfig sources) {
    return TrainConfig.builder().encoder(new EncoderSpec(EncoderSpec.Kind.MLP, 16, 0, new int[] {32}, 8))
        .curriculum(Recipes.curriculum("pinterest", 4, 32, 0.2, null)).loss("triplet").reduction(Reduction.ACTIVE_MEAN)
        .temperature(0.05).learningRate(0.003).mPerClass(8).seed(42).sources(sources).build();
  }

  /** Pinterest's mix (random, in-batch, offline rising) with a pool mined at start and every 7 steps. */
  static SourcesConfig pinterest(boolean detach) {
    return SourcesConfig.builder().mix("random=0.3,in-batch=0.5,offline=0.2").mixTo("random=0.3,in-batch=0.3,offline=0.4")
        .slots(6).randomPerStep(16).poolPerAnchor(2).poolTop(10).poolExpiry("refresh").poolRefreshEvery(7)
        .detachExtras(detach).build();
  }

  /** MoCo: half queue (64 rows, wrapping every 2 steps), momentum key encoder. */
  static SourcesConfig moco() {
    return SourcesConfig.builder().mix("in-batch=1").mixTo("in-batch=0.5,queue=0.5").rampFraction(0.3).slots(6)
        .queue(64).queueWarmup(64).momentum(0.9).build();
  }

  @Test
  void pinterestWithDetachedExtrasResumesExactly(@TempDir Path tmp) throws Exception {
    stopResumeAndCompare(tmp, config(pinterest(true)));
  }

  @Test
  void pinterestWithGradientsIntoExtrasResumesExactly(@TempDir Path tmp) throws Exception {
    stopResumeAndCompare(tmp, config(pinterest(false)));
  }

  @Test
  void mocoWithQueueAndKeyEncoderResumesExactly(@TempDir Path tmp) throws Exception {
    List<String> lines = stopResumeAndCompare(tmp, config(moco()));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"queue\":{\"count\"")), "queue negatives were used");
  }

  private static List<String> stopResumeAndCompare(Path tmp, TrainConfig cfg) throws Exception {
    LabeledData train = TrainingRunTest.blobs(4, 64, 16, 1.0, 1);
    LabeledData eval = TrainingRunTest.blobs(4, 25, 16, 1.0, 2);
    RunSummary whole = TrainingRunTest.run(tmp.resolve("whole"), cfg, train, eval).build().run();

    Path dir = tmp.resolve("stopped");
    class Stop extends RuntimeException {}
    RunListener stopper = new RunListener() {
      @Override
      public void onStep(BatchStats s) {
        if (s.step() == 17) {
          throw new Stop();
        }
      }
    };
    assertThrows(Stop.class,
        () -> TrainingRunTest.run(dir, cfg, train, eval).checkpointEverySteps(5).listener(stopper).build().run());
    assertTrue(Files.exists(dir.resolve(RunFiles.CHECKPOINT)));
    assertFalse(Files.exists(dir.resolve(RunFiles.SUMMARY)));
    RunSummary resumed = TrainingRunTest.run(dir, cfg, train, eval).checkpointEverySteps(5).resume(true).build().run();

    assertEquals(whole.steps(), resumed.steps());
    assertTrue(whole.steps() > 20, "the run goes on well past the stop: " + whole.steps() + " steps");
    for (String k : whole.finalMetrics().keySet()) {
      assertEquals(whole.finalMetrics().get(k), resumed.finalMetrics().get(k), 1e-9, k);
    }
    List<String> lines = TrainingRunTest.stepLines(tmp.resolve("whole"));
    List<String> again = TrainingRunTest.stepLines(dir);
    assertEquals(lines.size(), again.size(), "the metrics log holds each step once");
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(lines.get(i), again.get(i), "step line " + i + " (per-source figures included) replays");
    }
    assertArrayEquals(Files.readAllBytes(tmp.resolve("whole/model/weights.params")),
        Files.readAllBytes(dir.resolve("model/weights.params")), "identical weights");
    return lines;
  }
}
