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
  @Option(names = "--model", required = true, description = "run directory of a trained model")
  Path model;
  @Option(names = "--data", description = "a directory, an *images-idx3-ubyte[.gz] file, or a .npy with --labels (default: the data the run trained on)")
  Path data;
  @Option(names = "--labels", description = "labels .npy for .npy features")
  Path labels;
  @Option(names = "--out", required = true, description = "embeddings .npy to write")
  Path out;
  @Option(names = "--labels-out", description = "also write the items' labels (int64 .npy)")
  Path labelsOut;

  @Override
  public Integer call() {
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
