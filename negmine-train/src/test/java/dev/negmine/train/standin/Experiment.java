package dev.negmine.train.standin;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.Trainer;
import dev.negmine.train.curriculum.Curriculum;
import dev.negmine.train.curriculum.Phase;
import dev.negmine.train.data.LabeledData;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.monitor.BatchStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Throwaway quality experiment: java ... Experiment ENCODER EPOCHS LR "epoch:miner:margin:batch:lrscale;..." */
public final class Experiment {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of("/usr/share/datasets/fashion-mnist");
    LabeledData train = StandIns.idx(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), 10000);
    LabeledData eval = StandIns.idx(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), 10000);
    String enc = args[0];
    int epochs = Integer.parseInt(args[1]);
    double lr = Double.parseDouble(args[2]);
    List<Phase> phases = new ArrayList<>();
    for (String ph : args[3].split(";")) {
      String[] f = ph.split(":");
      phases.add(new Phase(Integer.parseInt(f[0]), f[1], Double.parseDouble(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4])));
    }
    int emb = args.length > 4 ? Integer.parseInt(args[4]) : 64;
    String hidden = args.length > 5 ? args[5] : null;
    EncoderSpec spec;
    if (enc.equals("cnn")) {
      spec = hidden == null ? EncoderSpec.cnn(28, emb) : new EncoderSpec(EncoderSpec.Kind.CNN, 784, 28, parse(hidden), emb);
    } else {
      spec = hidden == null ? EncoderSpec.mlp(784, emb) : new EncoderSpec(EncoderSpec.Kind.MLP, 784, 0, parse(hidden), emb);
    }
    String loss = args.length > 6 ? args[6] : "triplet";
    TrainConfig cfg = new TrainConfig(spec, new Curriculum("exp", epochs, phases), loss, Reduction.ACTIVE_MEAN, 0.05, lr, 16, 1);
    long t0 = System.nanoTime();
    try (Trainer t = new Trainer(cfg, train, null, StandIns.MINERS)) {
      long t1 = System.nanoTime();
      System.out.printf("setup %.2fs, steps %d%n", (t1 - t0) / 1e9, t.totalSteps());
      int lastEpoch = -1;
      BatchStats last = null;
      double loopNanos = 0;
      while (!t.done()) {
        long s = System.nanoTime();
        last = t.trainStep();
        loopNanos += System.nanoTime() - s;
        if (t.epoch() != lastEpoch && (t.epoch() % 5 == 0 || t.done())) {
          lastEpoch = t.epoch();
          System.out.printf("epoch %d loop %.1fs %s%n", t.epoch(), loopNanos / 1e9, last);
        }
      }
      FloatMatrix e = t.embed(eval.features());
      System.out.printf("RESULT %s %s loop=%.1fs %s%n", String.join(" ", args), StandIns.metrics(e, eval.labels()), loopNanos / 1e9, "");
    }
  }

  private static int[] parse(String s) {
    return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
