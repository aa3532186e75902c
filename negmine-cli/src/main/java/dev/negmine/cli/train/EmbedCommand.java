package dev.negmine.cli.train;

import dev.negmine.core.io.Npy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine embed}: applies a trained model (with its preprocessing) to data, writes .npy. */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Embed data with a trained model; writes float32 N x d embeddings as .npy.")
public final class EmbedCommand implements Callable<Integer> {
  @Option(names = "--model", description = "run directory of a trained model")
  Path model;
  @Option(names = "--text-encoder", paramLabel = "NAME",
      description = "a frozen text encoder instead of --model: --data is JSONL (text; documents also title), one row per line")
  String textEncoder;
  @Option(names = "--role", paramLabel = "query|document", description = "with --text-encoder: query or document (prompt, title) (default document)")
  String role;
  @Option(names = "--data", description = "a directory, an *images-idx3-ubyte[.gz] file, or a .npy with --labels"
      + " (default with --model: the data the run trained on); with --text-encoder a JSONL file")
  Path data;
  @Option(names = "--labels", description = "labels .npy for .npy features")
  Path labels;
  @Option(names = "--out", required = true, description = "embeddings .npy to write")
  Path out;
  @Option(names = "--labels-out", description = "also write the items' labels (int64 .npy)")
  Path labelsOut;

  @Override
  public Integer call() throws java.io.IOException {
    if (dev.negmine.text.finetune.FineTuning.isRun(model)) {
      if (textEncoder != null) {
        throw new dev.negmine.cli.UserInputException("give --model or --text-encoder, not both");
      }
      if (data == null) {
        throw new dev.negmine.cli.UserInputException("--model " + model + " is a fine-tuned text encoder: give --data FILE.jsonl"
            + " (queries.jsonl or corpus.jsonl) and --role query|document");
      }
      dev.negmine.core.io.OutputPaths.checkFile("--out", out, java.util.List.of(data, model));
      return dev.negmine.cli.text.RetrievalCli.embed(data, role, null, model, out);
    }
    if (textEncoder != null) {
      if (model != null) {
        throw new dev.negmine.cli.UserInputException("give --model or --text-encoder, not both");
      }
      if (data == null) {
        throw new dev.negmine.cli.UserInputException("--text-encoder needs --data FILE.jsonl");
      }
      dev.negmine.core.io.OutputPaths.checkFile("--out", out, java.util.List.of(data));
      return dev.negmine.cli.text.RetrievalCli.embed(data, role, textEncoder, out);
    }
    if (model == null) {
      throw new dev.negmine.cli.UserInputException("give --model RUN or --text-encoder NAME");
    }
    return TrainSupport.guard("embed", System.err, () -> {
      Path d = data;
      Path l = labels;
      if (d == null) {
        ModelEval.RunData rd = ModelEval.runData(model);
        if (rd.task() != null) {
          throw new IllegalArgumentException(model + " trained on --task " + rd.task() + ": give --data to embed");
        }
        d = rd.data();
        l = rd.labels();
      }
      java.util.List<Path> inputs = java.util.Arrays.asList(model, d, l);
      dev.negmine.core.io.OutputPaths.checkFile("--out", out, inputs);
      if (labelsOut != null) {
        dev.negmine.core.io.OutputPaths.checkFile("--labels-out", labelsOut, inputs);
        dev.negmine.core.io.OutputPaths.checkDistinct(java.util.Map.of("--out", out, "--labels-out", labelsOut));
      }
      ModelEval.Embedded e = ModelEval.embed(model, d, l);
      Npy.write(out, e.embeddings());
      if (labelsOut != null) {
        Npy.writeLongs(labelsOut, e.labels(), e.labels().length);
      }
      System.out.printf("wrote %d x %d embeddings to %s%n", e.embeddings().rows(), e.embeddings().cols(), out);
      return TrainSupport.OK;
    });
  }
}
