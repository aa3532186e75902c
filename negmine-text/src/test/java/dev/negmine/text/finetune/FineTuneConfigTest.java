package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.train.run.RunFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gradient-caching setting of the loss: validated, and absent from configurations saved before it existed. */
class FineTuneConfigTest {
  /** A {@code retrieval.json} written by a FOLDOC run before {@code cacheBatch} existed (copied verbatim). */
  private static final String OLD = """
      {
        "model": "all-minilm-l6-v2",
        "data": "/root/.negmine/tasks/foldoc-seed17",
        "batch": 32,
        "maxLength": 128,
        "seed": 1,
        "schedule": {
          "epochs": 1,
          "maxSteps": 100,
          "learningRate": 2.0E-5,
          "warmup": 0.1,
          "weightDecay": 0.01,
          "maxGradNorm": 1.0,
          "freezeEmbeddings": false,
          "frozenLayers": 0
        },
        "loss": {
          "scale": 20.0,
          "symmetric": false
        },
        "negatives": {
          "perQuery": 1,
          "mining": {
            "rangeMin": 0,
            "rangeMax": 100,
            "minScore": NaN,
            "maxScore": NaN,
            "absoluteMargin": NaN,
            "relativeMargin": 0.05,
            "count": 1,
            "sampling": "top"
          },
          "refreshEvery": 0
        }
      }
      """;

  @Test
  void aConfigurationSavedBeforeCachingReadsAsUncached(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(RunFiles.RETRIEVAL_CONFIG), OLD, StandardCharsets.UTF_8);
    FineTuneConfig c = FineTuning.readConfig(dir);
    assertEquals(0, c.loss().cacheBatch());
    assertFalse(c.loss().symmetric());
    assertEquals(20.0, c.loss().scale());
    assertEquals(100, c.schedule().maxSteps());
  }

  @Test
  void cacheBatchIsValidated() {
    assertEquals(32, new FineTuneConfig.Loss(20, false, 32).cacheBatch());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig.Loss(20, false, -1));
    assertEquals("--cache-batch must be >= 0 (0 = no gradient caching), got -1", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
