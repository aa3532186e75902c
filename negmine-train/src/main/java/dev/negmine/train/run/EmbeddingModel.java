package dev.negmine.train.run;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.model.Embedder;
import dev.negmine.train.data.Preprocessing;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.model.Encoders;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained encoder loaded from a run directory ({@code RUN/model/}), applying exactly the
 * preprocessing it was trained with; the {@link Embedder} that core's {@code Embedders} loads (through
 * {@link RunEmbedderProvider}). Owns native memory: close it. Not thread-safe.
 */
public final class EmbeddingModel implements Embedder {
  private final EncoderSpec spec;
  private final Preprocessing preprocessing;
  private final NDManager manager;
  private final Block block;
  private final ParameterStore store;

  private EmbeddingModel(EncoderSpec spec, Preprocessing preprocessing, NDManager manager, Block block) {
    this.spec = spec;
    this.preprocessing = preprocessing;
    this.manager = manager;
    this.block = block;
    this.store = new ParameterStore(manager, false);
  }

  /** Loads the model of run directory {@code run} (or a {@code model/} directory itself). */
  public static EmbeddingModel load(Path run) throws IOException {
    Path dir = Files.isDirectory(run.resolve(RunFiles.MODEL_DIR)) ? run.resolve(RunFiles.MODEL_DIR) : run;
    Path json = dir.resolve(RunFiles.MODEL_JSON);
    if (!Files.exists(json)) {
      throw new IllegalArgumentException(run + " holds no trained model (no " + RunFiles.MODEL_DIR + "/" + RunFiles.MODEL_JSON + ")");
    }
    EncoderSpec spec;
    Preprocessing pre;
    try {
      JsonObject m = TrainingRun.GSON.fromJson(Files.readString(json), JsonObject.class);
      if (m == null || !"negmine-model".equals(m.has("format") ? m.get("format").getAsString() : null)) {
        throw new IllegalArgumentException(json + " is not a negmine model file");
      }
      spec = TrainingRun.GSON.fromJson(m.get("encoder"), EncoderSpec.class);
      pre = TrainingRun.GSON.fromJson(m.get("preprocessing"), Preprocessing.class);
      if (spec == null || pre == null) {
        throw new IllegalArgumentException(json + ": field '" + (spec == null ? "encoder" : "preprocessing")
            + "' is missing or null; the model file is corrupt");
      }
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ClassCastException e) {
      throw new IllegalArgumentException(json + " is corrupt: " + e.getMessage(), e);
    }
    NDManager manager = TorchRuntime.engine().newBaseManager();
    try {
      Block block = Encoders.build(spec);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, spec.inputDim()));
      try (InputStream in = Files.newInputStream(dir.resolve(RunFiles.WEIGHTS))) {
        block.loadParameters(manager, new DataInputStream(new java.io.BufferedInputStream(in)));
      }
      return new EmbeddingModel(spec, pre, manager, block);
    } catch (MalformedModelException | IOException | RuntimeException e) {
      manager.close();
      String why = e instanceof java.io.EOFException || e.getMessage() == null
          ? "truncated or corrupt" : e.getMessage().replaceAll("\\s+", " ");
      throw new IllegalArgumentException("cannot load the model in " + dir + " (" + RunFiles.MODEL_JSON + " and "
          + RunFiles.WEIGHTS + " do not fit together or are damaged): " + why, e);
    }
  }

  public EncoderSpec spec() {
    return spec;
  }

  @Override
  public int inputDim() {
    return spec.inputDim();
  }

  @Override
  public int embeddingSize() {
    return spec.embeddingSize();
  }

  /** Embeds raw items (as read from disk); checks they have the shape the model was trained on. */
  @Override
  public FloatMatrix embed(LabeledData data) {
    if (data.features().cols() != spec.inputDim()) {
      throw new IllegalArgumentException("the model reads " + spec.inputDim() + " features per item but "
          + data.source() + " has " + data.features().cols());
    }
    return dev.negmine.train.Trainer.embedWith(block, manager, store, preprocessing.apply(data.features()), spec.embeddingSize());
  }

  @Override
  public void close() {
    manager.close();
  }
}
