package dev.negmine.cli.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.data.LabeledData;
import dev.negmine.train.loss.Reduction;
import dev.negmine.train.model.EncoderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resolved options of a training job, saved as {@code cli.json} in the run directory so that
 * {@code --resume RUN} rebuilds exactly the same job. Paths are stored as given.
 */
record TrainOptions(
    String data,
    String labels,
    String evalData,
    String evalLabels,
    String recipe,
    String encoder,
    int epochs,
    int batch,
    int mPerClass,
    String miner,
    String loss,
    String reduction,
    double margin,
    double temperature,
    double learningRate,
    int embeddingSize,
    long seed,
    double valFraction,
    int checkpointEvery) {

  static final String FILE = "cli.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** The training configuration for data whose items have {@code inputDim} features. */
  TrainConfig toConfig(LabeledData train) {
    EncoderSpec.Kind kind = EncoderSpec.Kind.parse(encoder);
    EncoderSpec spec = switch (kind) {
      case MLP -> EncoderSpec.mlp(train.features().cols(), embeddingSize);
      case CNN -> {
        if (!train.isImage()) {
          throw new IllegalArgumentException("the cnn encoder needs square single-channel images, but "
              + train.source() + " holds " + train.features().cols() + "-dimensional features; use --encoder mlp");
        }
        yield new EncoderSpec(EncoderSpec.Kind.CNN, train.features().cols(), train.imageSide(),
            TrainCommand.CNN_CHANNELS, embeddingSize);
      }
    };
    String l = loss != null ? loss : Recipes.defaultLoss(recipe);
    return new TrainConfig(spec, Recipes.curriculum(recipe, epochs, batch, margin, miner), l,
        Reduction.parse(reduction), temperature, learningRate, mPerClass, seed);
  }

  void save(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    dev.negmine.train.run.RunFiles.writeString(runDir.resolve(FILE), GSON.toJson(this));
  }

  static TrainOptions load(Path runDir) throws IOException {
    Path f = runDir.resolve(FILE);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": it is not a negmine training run (no " + FILE + ")");
    }
    try {
      return GSON.fromJson(Files.readString(f), TrainOptions.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": " + FILE + " is corrupt", e);
    }
  }
}
