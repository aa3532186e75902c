package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.distributed.Collective;
import dev.negmine.text.retrieval.RetrievalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole fine-tuning run as two data-parallel ranks (threads of this JVM, {@link ThreadCollective}):
 * each step's loss is the global batch's and its gradient is all-reduced, so both ranks log the same
 * losses and gradient norms and end with the same weights (the same test scores), and only rank 0
 * writes the run directory. (The gradient's equality with one process holding the whole batch is
 * {@code CachedLossStepTest}'s, with dropout off.)
 */
class DataParallelFineTuningTest {
  @Test
  void twoRanksTakeTheSameStepsAndRankZeroWritesTheRun(@TempDir Path dir) throws Exception {
    RetrievalData data = FineTuningTest.data();
    FineTuneConfig c = FineTuningTest.config(3);
    Path run = dir.resolve("run");
    List<Collective> group = ThreadCollective.group(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<List<FineTuneListener.StepRecord>> logs = List.of(new ArrayList<>(), new ArrayList<>());
    try {
      List<Future<FineTuneSummary>> ranks = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Collective rank = group.get(r);
        List<FineTuneListener.StepRecord> log = logs.get(r);
        ranks.add(pool.submit(() -> FineTuning.train(c, data, run, new FineTuning.Options(false, 2, rank), new FineTuneListener() {
          @Override
          public void onStep(StepRecord s, long total) {
            log.add(s);
          }
        })));
      }
      FineTuneSummary zero = ranks.get(0).get(10, TimeUnit.MINUTES);
      FineTuneSummary one = ranks.get(1).get(10, TimeUnit.MINUTES);
      assertEquals(3, logs.get(0).size());
      for (int s = 0; s < 3; s++) {
        FineTuneListener.StepRecord a = logs.get(0).get(s);
        FineTuneListener.StepRecord b = logs.get(1).get(s);
        // each rank takes the loss itself from the gathered embeddings: equal up to the last bits of its own kernels
        // (bit-equal in every run so far; see Known gaps in docs/text-retrieval.md on bit-stability)
        assertEquals(a.loss(), b.loss(), 1e-5 * a.loss(), "step " + a.step() + ": both ranks take the global batch's loss");
        // the norm of the all-reduced gradient, summed in rank order on both: the same bits
        assertEquals(a.gradNorm(), b.gradNorm(), 0.0, "step " + a.step() + ": the all-reduced gradient");
      }
      assertEquals(zero.tuned()[1].ndcg10(), one.tuned()[1].ndcg10(), 1e-9, "the same weights at the end");
      assertTrue(Files.exists(run.resolve("model/weights.safetensors")) && Files.exists(run.resolve("summary.json")));
      assertEquals(3, FineTuneHistory.steps(FineTuning.history(run)).size(), "one history, rank 0's");
      try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        assertFalse(tmp.anyMatch(p -> p.getFileName().toString().startsWith("negmine-rank1-")), "rank 1's scratch directory is gone");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
