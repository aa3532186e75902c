package dev.negmine.cli.train;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.run.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Used by {@code negmine eval --model RUN --data PATH}: embeds labelled data with a trained model,
 * applying the model's own preprocessing. Bad input throws {@link IllegalArgumentException}.
 */
public final class ModelEval {
  private ModelEval() {}

  /**
   * The data a run trained on, as its spec recorded it: {@code data} null means the bundled
   * Fashion-MNIST split; {@code task} is a built-in text task (then data is null).
   */
  public record RunData(Path data, Path labels, String task) {}

  /** What {@code model} (a run directory) trained on; commands taking a run default to it. */
  public static RunData runData(Path model) throws IOException {
    Path run = model;
    if (!java.nio.file.Files.exists(run.resolve(dev.negmine.train.spec.RunSpec.FILE)) && run.getParent() != null
        && java.nio.file.Files.exists(run.getParent().resolve(dev.negmine.train.spec.RunSpec.FILE))) {
      run = run.getParent(); // RUN/model given
    }
    if (!java.nio.file.Files.exists(run.resolve(dev.negmine.train.spec.RunSpec.FILE))) {
      throw new IllegalArgumentException(model + " holds no record of the data it trained on ("
          + dev.negmine.train.spec.RunSpec.FILE + "): give --data");
    }
    dev.negmine.train.spec.RunSpec s = dev.negmine.train.spec.RunSpec.load(run);
    return new RunData(s.data() == null ? null : Path.of(s.data()), s.labels() == null ? null : Path.of(s.labels()), s.task());
  }

  /** Embeddings of {@code data} (labels from {@code labels} for .npy features) under {@code model}. */
  public static Embedded embed(Path model, Path data, Path labels) throws IOException {
    LabeledData d = TrainSupport.load(data, labels);
    try (EmbeddingModel m = EmbeddingModel.load(model)) {
      FloatMatrix out = m.embed(d);
      // finite input, so a non-finite output means weights that overflow: never write it silently
      dev.negmine.core.io.Validation.requireFinite(out, model + " (its embedding of " + data + ")");
      return new Embedded(out, d.labels());
    }
  }

  /**
   * The unseen test classes of a built-in text task ({@code wordnet[-gloss][:N]}), embedded twice:
   * by the frozen encoder (the model's, else {@code textEncoder}, else the default) and, when
   * {@code model} is given, by that model's head on top. {@code task} null: the model's own task.
   */
  public static TaskEval embedTask(String task, Path model, String textEncoder) throws IOException {
    String t = task;
    String enc = textEncoder;
    if (model != null) {
      dev.negmine.train.spec.RunSpec o = dev.negmine.train.spec.RunSpec.load(model);
      if (o.task() == null) {
        throw new IllegalArgumentException(model + " was not trained on a built-in task; use --model RUN --data PATH");
      }
      if (t == null) {
        t = o.task();
      }
      if (enc != null && !enc.equals(o.textEncoder()) && !(o.textEncoder() == null && enc.equals(dev.negmine.text.TextEncoders.DEFAULT))) {
        throw new IllegalArgumentException("--text-encoder " + enc + " differs from the encoder " + model + " was trained on ("
            + (o.textEncoder() == null ? dev.negmine.text.TextEncoders.DEFAULT : o.textEncoder()) + ")");
      }
      enc = o.textEncoder();
    }
    if (t == null) {
      throw new IllegalArgumentException("give --task wordnet (or --model of a run trained with --task)");
    }
    var test = TextJobs.wordnet(t).test();
    LabeledData frozen = TextJobs.embed(enc == null ? dev.negmine.text.TextEncoders.DEFAULT : enc, java.util.List.of(test), System.err)[0];
    FloatMatrix head = null;
    if (model != null) {
      try (EmbeddingModel m = EmbeddingModel.load(model)) {
        head = m.embed(frozen);
      }
    }
    return new TaskEval(t + ": " + test.size() + " texts in " + test.classes() + " unseen classes", frozen.features(), head,
        frozen.labels());
  }

  /** A task's test classes under the frozen encoder and (nullable) under a trained head. */
  public record TaskEval(String description, FloatMatrix frozen, FloatMatrix head, long[] labels) {}

  /** Embeddings and the labels of their items. */
  public record Embedded(FloatMatrix embeddings, long[] labels) {}
}
