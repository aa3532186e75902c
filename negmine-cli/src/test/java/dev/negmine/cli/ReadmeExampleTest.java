package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.Triplets;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's library example, kept compiling and checked against the fixture's known counts. */
class ReadmeExampleTest {
  @Test
  void readmeExample() throws IOException {
    Path dir = CliTest.SMALL;
    // --- README example starts
    FloatMatrix emb = Npy.readFloatMatrix(dir.resolve("emb.npy"));   // (B, d) float32
    long[] labels = Npy.readLongs(dir.resolve("labels.npy"));       // (B) integer labels

    Miner miner = Miners.create("semihard-band", MinerConfig.builder().margin(0.2).build());
    Triplets t = miner.mine(emb, labels, null);                      // ids: null = all distinct
    for (int r = 0; r < Math.min(3, t.size()); r++) {
      System.out.printf("a=%d p=%d n=%d%n", t.anchor(r), t.positive(r), t.negative(r));
    }

    RetrievalResult metrics = RetrievalMetrics.evaluate(emb, labels); // cosine, leave-one-out
    System.out.println(metrics.toJson());
    // --- README example ends
    assertEquals(3710, t.size());
    assertTrue(metrics.precisionAt1() > 0 && metrics.mapAtR() <= 1);
  }
}
