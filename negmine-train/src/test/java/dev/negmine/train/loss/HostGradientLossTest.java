package dev.negmine.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.engine.TorchRuntime;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host-fused triplet loss against the engine's autograd of {@link TripletLoss#compute}: same
 * value, same gradient with respect to the embeddings, for every miner shape and reduction.
 */
class HostGradientLossTest {
  @ParameterizedTest(name = "{0} soft={1} {2} seed={3}")
  @CsvSource({
    "semihard-band, false, ACTIVE_MEAN, 1",
    "semihard-band, false, MEAN, 2",
    "batch-hard, false, ACTIVE_MEAN, 3",
    "all-band, true, ACTIVE_MEAN, 4",
    "easy-positive, true, MEAN, 5",
    "all-band, false, ACTIVE_MEAN, 6"
  })
  void matchesTheEngineGradient(String miner, boolean soft, Reduction reduction, long seed) {
    System.out.println("seed " + seed);
    int b = 48;
    int d = 16;
    Random rnd = new Random(seed);
    float[] x = new float[b * d];
    long[] labels = new long[b];
    for (int i = 0; i < b; i++) {
      labels[i] = i % 6;
      double norm = 0;
      for (int k = 0; k < d; k++) {
        // class centre plus noise, so every band holds triplets
        float v = (float) ((k % 6 == labels[i] ? 1.0 : 0.0) + 0.6 * rnd.nextGaussian());
        x[i * d + k] = v;
        norm += v * v;
      }
      for (int k = 0; k < d; k++) {
        x[i * d + k] /= (float) Math.sqrt(norm);
      }
    }
    FloatMatrix emb = FloatMatrix.of(b, d, x);
    MinerConfig mc = MinerConfig.builder().margin(0.2).seed(seed).build();
    MiningBatch scores = MiningBatch.self(emb, labels, null, mc);
    Triplets t = Miners.create(miner, mc).mine(scores, 0);
    assertTrue(t.size() > 0, "the miner found triplets");
    HostGradientLoss loss = (HostGradientLoss) Losses.triplet(0.2, soft, reduction);

    float[] hostGrad = new float[b * d];
    float hostValue = loss.lossAndGradient(emb, scores.scores(), t, hostGrad);

    Engine engine = TorchRuntime.engine();
    try (NDManager m = engine.newBaseManager()) {
      NDArray e = m.create(x, new Shape(b, d));
      e.setRequiresGradient(true);
      float engineValue;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray l = loss.compute(e, labels, t);
        engineValue = l.getFloat();
        gc.backward(l);
      }
      float[] engineGrad = e.getGradient().toFloatArray();
      assertEquals(engineValue, hostValue, 1e-5 * Math.max(1, Math.abs(engineValue)), "loss value");
      double maxAbs = 0;
      for (float g : engineGrad) {
        maxAbs = Math.max(maxAbs, Math.abs(g));
      }
      assertTrue(maxAbs > 0, "a non-trivial gradient");
      for (int i = 0; i < engineGrad.length; i++) {
        assertEquals(engineGrad[i], hostGrad[i], 1e-4 * maxAbs, "d loss / d e[" + i / d + "][" + i % d + "]");
      }
    }
  }
}
