package dev.negmine.train.step;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.Trainer;
import dev.negmine.train.data.DataSources;
import dev.negmine.train.spec.RunSpec;
import dev.negmine.train.spec.Runs;
import dev.negmine.train.spec.SpecResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every negative source with every loss trains a model that beats raw pixels: a short run (MLP,
 * one epoch over 2,000 bundled Fashion-MNIST items) with all of each anchor's negatives from one
 * source, scored by cosine MAP@R on 1,000 other items against the raw (preprocessed) features.
 */
class SourceLossTrainingTest {
  private static LabeledData train;
  private static LabeledData eval;
  private static double raw;

  @BeforeAll
  static void data() throws Exception {
    LabeledData all = DataSources.bundled();
    train = all.subset(IntStream.range(0, 2000).toArray(), "train slice");
    eval = all.subset(IntStream.range(2000, 3000).toArray(), "eval slice");
    try (Trainer t = trainer(RunSpec.builder().encoder("mlp").build())) {
      raw = mapAtR(t.preprocessing().apply(eval.features()));
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String mix : List.of("in-batch=1", "random=1", "offline=1", "queue=1", "dynamic=1")) {
      for (String loss : List.of("triplet", "contrastive", "infonce")) {
        out.add(Arguments.of(mix, loss));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("cases")
  void aShortRunBeatsRawPixels(String mix, String loss, @TempDir java.nio.file.Path tmp) throws Exception {
    RunSpec.Builder b = RunSpec.builder().encoder("mlp").recipe("batch-hard").epochs(1).batch(64).mPerClass(8)
        .loss(loss).mix(mix).slots(4).seed(3L);
    if (mix.startsWith("queue")) {
      b.queue(512).queueWarmup(128);
    }
    double trained;
    try (Trainer t = trainer(b.build())) {
      while (!t.done()) {
        t.trainStep();
      }
      trained = mapAtR(t.embed(eval.features()));
    }
    assertTrue(trained > raw, mix + " x " + loss + ": MAP@R " + trained + " vs raw " + raw);
  }

  private static Trainer trainer(RunSpec spec) {
    TrainConfig cfg = SpecResolver.toConfig(spec, train, null);
    return new Trainer(cfg, train, null, Runs.MINERS);
  }

  private static double mapAtR(dev.negmine.core.linalg.FloatMatrix e) {
    return RetrievalMetrics.evaluate(e, eval.labels(), RetrievalConfig.defaults().withDistance(Distance.COSINE)).mapAtR();
  }
}
