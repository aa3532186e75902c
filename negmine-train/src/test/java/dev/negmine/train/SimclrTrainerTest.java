package dev.negmine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miners;
import dev.negmine.train.augment.AugmentConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimclrTrainerTest {
  static LabeledData images(long[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[labels.length * 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 255);
    }
    return new LabeledData(FloatMatrix.of(labels.length, 16, x), labels, 4, "tiny images");
  }

  static FloatMatrix trainAndEmbed(LabeledData data) {
    MoreNegatives more = MoreNegatives.builder().augment(AugmentConfig.defaults()).selfSupervised().build();
    TrainConfig cfg = TrainConfig.builder().encoder(new EncoderSpec(EncoderSpec.Kind.MLP, 16, 0, new int[] {16}, 8))
        .curriculum(Recipes.curriculum("simclr", 1, 16, 0.2, null)).loss("infonce").reduction(Reduction.ACTIVE_MEAN)
        .temperature(0.1).learningRate(0.003).mPerClass(4).seed(5).more(more).build();
    try (Trainer t = new Trainer(cfg, data, null, Miners::create)) {
      while (!t.done()) {
        float loss = (float) t.trainStep().loss();
        assertTrue(Float.isFinite(loss) && loss > 0, "NT-Xent loss " + loss);
      }
      return t.embed(data.features());
    }
  }

  /** Self-supervised: the same images under any labelling train to the same weights. */
  @Test
  void simclrNeverReadsTheLabels() {
    long[] a = new long[64];
    long[] b = new long[64];
    for (int i = 0; i < 64; i++) {
      a[i] = i % 4;
      b[i] = (i * 7) % 3;
    }
    FloatMatrix ea = trainAndEmbed(images(a, 1));
    FloatMatrix eb = trainAndEmbed(images(b, 1));
    assertArrayEquals(ea.data(), eb.data(), 0f);
  }
}
