package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.text.export.ModelExport;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine export}: a transformer text encoder as ONNX or as a sentence-transformers directory. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a transformer text encoder: --format onnx writes the original ONNX graph with the weights written back "
        + "(ONNX Runtime and langchain4j load it); --format safetensors writes a sentence-transformers directory "
        + "(model.safetensors with Hugging Face BERT names, config.json, tokenizer and pooling files).")
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--text-encoder", paramLabel = "NAME", description = "the model (default " + TransformerSpec.DEFAULT + ")")
  String textEncoder;

  @Option(names = "--model", paramLabel = "RUN", description = "a fine-tuning run directory: its model and trained weights")
  Path model;

  @Option(names = "--weights", paramLabel = "W.safetensors",
      description = "weights to export instead of the pretrained ones (as the encoder saves them)")
  Path weights;

  @Option(names = "--format", required = true, paramLabel = "onnx|safetensors", description = "output format")
  String format;

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "the .onnx file, or the directory for safetensors")
  Path out;

  @Override
  public Integer call() throws Exception {
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("onnx") && !f.equals("safetensors")) {
      throw new UserInputException("--format: expected onnx or safetensors, got '" + format + "'");
    }
    if (model != null) {
      if (weights != null || textEncoder != null) {
        throw new UserInputException("--model RUN brings its own model and weights: drop --text-encoder and --weights");
      }
      textEncoder = dev.negmine.text.finetune.FineTuning.readConfig(model).model();
      weights = dev.negmine.text.finetune.FineTuning.weights(model);
      if (!Files.isRegularFile(weights)) {
        throw new UserInputException("--model " + model + ": the run has no trained weights yet (" + weights + ")");
      }
    }
    TransformerSpec spec;
    try {
      spec = TransformerSpec.of(textEncoder == null ? TransformerSpec.DEFAULT : textEncoder);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--text-encoder: " + e.getMessage());
    }
    if (weights != null && !Files.isRegularFile(weights)) {
      throw new UserInputException("--weights: " + weights + ": no such file");
    }
    try (TransformerEncoder enc = TransformerEncoder.pretrained(spec)) {
      if (weights != null) {
        enc.load(weights);
      }
      if (f.equals("onnx")) {
        ModelExport.onnx(enc, out);
      } else {
        ModelExport.huggingFace(enc, out);
      }
    }
    System.out.println("wrote " + f + " export of " + spec.name() + (weights == null ? " (pretrained)" : " (" + weights + ")") + " to " + out);
    return 0;
  }
}
