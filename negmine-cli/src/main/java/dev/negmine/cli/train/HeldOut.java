package dev.negmine.cli.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.run.EmbeddingModel;
import dev.negmine.train.run.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The held-out evaluation of {@code negmine compare --held-out}: items no run trained or validated
 * on, embedded by each trained model (with its own preprocessing) and scored with the same cosine
 * retrieval metrics as {@code negmine eval}. The figures of a run are kept in its directory as
 * {@value #FILE}, keyed by {@link #description()}, so a re-run comparison reads them back.
 */
final class HeldOut {
  static final String FILE = "held-out.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private final LabeledData data;
  private final String description;

  private HeldOut(LabeledData data, String description) {
    this.data = data;
    this.description = description;
  }

  /**
   * The first {@code items} items of {@code path} (all of them when {@code items} is 0).
   *
   * @throws IllegalArgumentException when {@code items} is negative or exceeds the data
   */
  static HeldOut load(Path path, Path labels, int items) throws IOException {
    if (items < 0) {
      throw new IllegalArgumentException("--held-out-items must be >= 0 (0 = all), got " + items);
    }
    LabeledData all = TrainSupport.load(path, labels);
    if (items > all.size()) {
      throw new IllegalArgumentException("--held-out-items " + items + " exceeds the " + all.size() + " items of " + path);
    }
    LabeledData d = items == 0 || items == all.size() ? all
        : all.subset(java.util.stream.IntStream.range(0, items).toArray(), "items 0-" + items);
    return new HeldOut(d, path + (items == 0 ? " (all " + all.size() + " items)" : " (items 0-" + items + ")"));
  }

  /** Which items these are: the key under which a run's figures are stored. */
  String description() {
    return description;
  }

  int size() {
    return data.size();
  }

  /** Metrics of the raw features as read (pixel values for images), the no-training reference. */
  Map<String, Double> raw() {
    return TrainSupport.EVALUATOR.evaluate(data.features(), data.labels());
  }

  /**
   * The held-out metrics of the model in {@code runDir}: read from its {@value #FILE} when that
   * was computed on these items, else computed now and stored there.
   */
  Map<String, Double> evaluate(Path runDir) throws IOException {
    Map<String, Double> stored = read(runDir.resolve(FILE), description);
    if (stored != null) {
      return stored;
    }
    Map<String, Double> m;
    try (EmbeddingModel model = EmbeddingModel.load(runDir)) {
      m = TrainSupport.EVALUATOR.evaluate(model.embed(data), data.labels());
    }
    JsonObject o = new JsonObject();
    o.addProperty("held_out", description);
    o.add("metrics", GSON.toJsonTree(m));
    RunFiles.writeString(runDir.resolve(FILE), GSON.toJson(o));
    return m;
  }

  /** The metrics stored in {@code file} for {@code description}, or null when absent or for other items. */
  static Map<String, Double> read(Path file, String description) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonObject o = GSON.fromJson(Files.readString(file), JsonObject.class);
      if (o == null || !o.has("held_out") || !description.equals(o.get("held_out").getAsString()) || !o.has("metrics")) {
        return null;
      }
      Map<String, Double> m = new LinkedHashMap<>();
      o.getAsJsonObject("metrics").entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsDouble()));
      return m;
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(file + " is corrupt: " + e.getMessage(), e);
    }
  }
}
