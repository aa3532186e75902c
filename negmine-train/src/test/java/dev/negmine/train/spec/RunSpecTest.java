package dev.negmine.train.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.train.negatives.SourcesConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSpecTest {
  @Test
  void defaultsFollowTheRecipeAndTheData() {
    RunSpec plain = RunSpec.builder().build();
    assertEquals("facenet", plain.recipe());
    assertEquals("cnn", plain.encoder());
    assertEquals(10, plain.epochs());
    assertEquals(16, plain.mPerClass());
    assertEquals(0.003, plain.learningRate());
    assertEquals(0.05, plain.temperature());
    RunSpec simclr = RunSpec.builder().recipe("SimCLR").build();
    assertEquals("simclr", simclr.recipe());
    assertEquals(0.5, simclr.temperature());
    assertEquals(0.0005, simclr.learningRate());
    RunSpec given = RunSpec.builder().recipe("simclr").temperature(0.1).learningRate(0.002).build();
    assertEquals(0.1, given.temperature());
    assertEquals(0.002, given.learningRate());
    RunSpec task = RunSpec.builder().task("wordnet").build();
    assertEquals("batch-hard", task.recipe());
    assertEquals("adapter", task.encoder());
    assertEquals(3, task.epochs());
    assertEquals(2, task.mPerClass());
    assertEquals(Defaults.TASK_LEARNING_RATE, task.learningRate());
    assertEquals("adapter", RunSpec.builder().data("pairs.jsonl").build().encoder());
  }

  @Test
  void everyValueIsValidatedAtBuildWithTheOptionNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().loss("hinge").build())
        .getMessage().contains("hinge"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().learningRate(Double.NaN).build())
        .getMessage().contains("--lr"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().poolTtl("soon").build())
        .getMessage().contains("--pool-ttl"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().negatives("all").build())
        .getMessage().contains("--negatives"));
    assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().recipe("no-such-recipe").build());
    assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().epochs(0).build());
    assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().valFraction(1.0).build());
  }

  @Test
  void theRecipeGivesSourcesAndOptionsOverrideThem() {
    assertNull(SpecResolver.sources(RunSpec.builder().build(), 1000));
    SourcesConfig moco = SpecResolver.sources(RunSpec.builder().recipe("moco").queue(4096).build(), 1000);
    assertEquals(4096, moco.queueSize());
    SourcesConfig ttl = SpecResolver.sources(RunSpec.builder().mix("in-batch=0.5,offline=0.5").poolTtl(Duration.ofHours(3))
        .build(), 1000);
    assertEquals(Duration.ofHours(3).toSeconds(), ttl.poolTtlSeconds());
    assertEquals("infonce", SpecResolver.resolvedLoss(RunSpec.builder().negatives("dynamic").build()));
  }

  @Test
  void aSavedSpecLoadsBackEqual(@TempDir Path dir) throws Exception {
    RunSpec s = RunSpec.builder().recipe("pinterest").seed(7L).poolTtl(Duration.ofMinutes(90)).build();
    s.save(dir);
    RunSpec back = RunSpec.load(dir);
    assertEquals(s.toString(), back.toString());
    assertEquals(7, back.seed());
    RunSpec other = s.toBuilder().seed(8L).build();
    assertEquals(8, other.seed());
    assertEquals(7, s.seed(), "toBuilder copies");
  }
}
