package dev.negmine.mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.distributed.Collectives;
import dev.negmine.mpi.MpiHarness.Result;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training against one process: W ranks with global batch 160 (160 / W rows each) and
 * one process with batch 160 see the same global batches and, with the same gradient shards, end 50
 * steps with the same weights and loss curve; every rank ends bit-identical. Also: the distributed
 * step on one shard is the plain trainer's step, bit for bit.
 */
class DistributedTrainingTest {
  static final int STEPS = 50;
  static final float TOLERANCE = 1e-5f;

  /** Gradient shards of every run here: 1, 2 and 3 ranks divide it. */
  static final int SHARDS = 6;

  static Result read(Path f) throws Exception {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
      float[] w = new float[in.readInt()];
      for (int i = 0; i < w.length; i++) {
        w[i] = in.readFloat();
      }
      float[] l = new float[in.readInt()];
      for (int i = 0; i < l.length; i++) {
        l[i] = in.readFloat();
      }
      return new Result(w, l, in.readLong(), in.readBoolean());
    }
  }

  /** One process: the distributed step on a world of 1 (no MPI), same shards. */
  static Result single(String config, int steps) {
    return MpiHarness.run(Collectives.local(), config, steps, SHARDS);
  }

  static Result[] distributed(int ranks, String config, int steps, Path dir) throws Exception {
    MpiJobs.Job job = MpiJobs.run(ranks, dir.resolve("log"), 480, MpiHarness.class.getName(), "train", dir.toString(),
        config, Integer.toString(steps), Integer.toString(SHARDS));
    assertEquals(0, job.code(), job.output());
    Result[] out = new Result[ranks];
    for (int r = 0; r < ranks; r++) {
      out[r] = read(dir.resolve("rank-" + r + ".bin"));
    }
    return out;
  }

  static void assertEquivalent(Result single, Result[] ranks) {
    for (int r = 1; r < ranks.length; r++) {
      assertArrayEquals(ranks[0].weights(), ranks[r].weights(), "rank " + r + " weights differ from rank 0's");
      assertArrayEquals(ranks[0].losses(), ranks[r].losses(), "rank " + r + " losses differ from rank 0's");
      assertEquals(ranks[0].queueChecksum(), ranks[r].queueChecksum(), "rank " + r + " queue differs from rank 0's");
    }
    float maxDiff = 0;
    for (int i = 0; i < single.weights().length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(single.weights()[i] - ranks[0].weights()[i]));
    }
    System.out.printf("%d ranks vs 1: max |weight difference| after %d steps = %.3g%n", ranks.length, STEPS, maxDiff);
    if (System.getenv("NEGMINE_DEBUG_EQ") != null) {
      for (int s = 0; s < single.losses().length; s++) {
        System.out.printf("step %d loss %.9f vs %.9f%n", s, single.losses()[s], ranks[0].losses()[s]);
      }
      for (int i = 0; i < single.weights().length; i++) {
        float dd = Math.abs(single.weights()[i] - ranks[0].weights()[i]);
        if (dd > 1e-5) {
          System.out.printf("w[%d] %.8f vs %.8f%n", i, single.weights()[i], ranks[0].weights()[i]);
        }
      }
    }
    assertTrue(maxDiff <= TOLERANCE, "weights differ from the single-process run by " + maxDiff);
    assertArrayEquals(single.losses(), ranks[0].losses(), 1e-5f, "loss curve differs from the single-process run");
  }

  @Test
  void twoAndThreeRanksTrainAsOneProcessWithTheSameGlobalBatch(@TempDir Path tmp) throws Exception {
    MpiJobs.requireMpi();
    Result single = single("plain", STEPS);
    for (int ranks : new int[] {2, 3}) {
      Path dir = Files.createDirectories(tmp.resolve("np" + ranks));
      assertEquivalent(single, distributed(ranks, "plain", STEPS, dir));
    }
  }

  @Test
  void oneShardOnOneProcessIsThePlainTrainerBitForBit() {
    Result plain = MpiHarness.run(null, "plain", 20, 1);
    Result dist = MpiHarness.run(Collectives.local(), "plain", 20, 1);
    assertArrayEquals(plain.weights(), dist.weights());
    assertArrayEquals(plain.losses(), dist.losses());
  }

  @Test
  void queueIsIdenticalOnEveryRankAndTrainingMatchesOneProcess(@TempDir Path tmp) throws Exception {
    MpiJobs.requireMpi();
    Result single = single("queue", STEPS);
    Result[] ranks = distributed(2, "queue", STEPS, tmp);
    assertTrue(ranks[0].queueChecksum() != 0);
    assertEquivalent(single, ranks);
  }

  @Test
  void everyAnchorSeesTheWholeGlobalBatchMinusItself(@TempDir Path tmp) throws Exception {
    MpiJobs.requireMpi();
    Result[] ranks = distributed(2, "all", 3, tmp);
    for (Result r : ranks) {
      assertTrue(r.candidatesOk(), "some anchor's candidates were not the global batch minus itself");
    }
  }
}
