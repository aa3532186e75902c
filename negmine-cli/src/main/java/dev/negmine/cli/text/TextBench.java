package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.core.io.Json;
import dev.negmine.text.transformer.StepProfile;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import dev.negmine.train.engine.TorchRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench text}: one training step of the transformer encoder split into its parts
 * ({@link StepProfile}). The parts outside libtorch's kernels are
 * tokenisation, input transfer and read-out, plus the per-operator JNI/dispatch cost inside
 * forward and backward, estimated by the same step at 1 text x 8 tokens, where kernels cost
 * almost nothing. Median over the measured steps; seeded text.
 */
@Command(name = "text", mixinStandardHelpOptions = true,
    description = "Forward + backward tokens/s of a transformer text encoder (default all-MiniLM-L6-v2, batch 32 x 128 tokens) and the share of step time outside libtorch.")
public final class TextBench implements Callable<Integer> {
  @Option(names = "--text-encoder", defaultValue = TransformerSpec.DEFAULT, description = "model (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--batch", defaultValue = "32", description = "texts per step (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--tokens", defaultValue = "128", description = "tokens per text (default ${DEFAULT-VALUE})")
  int tokens;

  @Option(names = "--steps", defaultValue = "5", description = "measured steps after one warm-up (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--seed", defaultValue = "42", description = "text seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  private static final String[] WORDS = ("retrieval model query document negative mining encoder transformer attention "
      + "layer weight gradient batch token vocabulary search index corpus dictionary definition computer network "
      + "protocol language compiler memory processor storage graphics database").split(" ");

  @Override
  public Integer call() {
    FineTuneCli.useAllCores(); // the thread count fine-tuning runs with
    if (batch < 1 || tokens < 3 || steps < 1) {
      throw new UserInputException("--batch, --steps must be >= 1 and --tokens >= 3; got " + batch + ", " + steps + ", " + tokens);
    }
    TransformerSpec spec;
    try {
      spec = TransformerSpec.of(model).withMaxLength(tokens);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--text-encoder: " + e.getMessage());
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < tokens * 2; w++) {
        sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
      }
      texts.add(sb.toString());
    }
    try (TransformerEncoder enc = TransformerEncoder.pretrained(spec)) {
      double[][] full = StepProfile.measure(enc, texts, steps);
      double[][] tiny = StepProfile.measure(enc, List.of("a b c d e f"), steps);
      String[] parts = StepProfile.PARTS.toArray(String[]::new);
      double total = 0;
      double outside = 0;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", spec.name());
      out.put("batch", batch);
      out.put("tokens", tokens);
      out.put("threads", TorchRuntime.threads());
      out.put("cores", Runtime.getRuntime().availableProcessors());
      Map<String, Object> ms = new LinkedHashMap<>();
      for (int p = 0; p < parts.length; p++) {
        double m = median(full[p]);
        ms.put(parts[p], round(m));
        total += m;
        if (p == 0 || p == 1 || p == 4) {
          outside += m;
        }
      }
      double dispatch = median(tiny[2]) + median(tiny[3]);
      double cpu = median(full[StepProfile.CPU_ROW]);
      double gflop = StepProfile.flops(enc.config(), (long) batch * tokens, tokens) / 1e9;
      out.put("cpu_ms", round(cpu));
      out.put("tokens_per_cpu_s", round(batch * (double) tokens / (cpu / 1000)));
      out.put("gflop_per_step", round(gflop));
      out.put("gflops_per_cpu_s", round(gflop / (cpu / 1000)));
      out.put("step_ms", ms);
      out.put("total_ms", round(total));
      out.put("tokens_per_s", round(batch * (double) tokens / (total / 1000)));
      out.put("dispatch_floor_ms", round(dispatch));
      out.put("outside_libtorch_share", round((outside + dispatch) / total));
      if (json) {
        System.out.println(Json.write(out));
      } else {
        System.out.printf(Locale.ROOT, "%s, batch %d x %d tokens, %d torch thread(s) on %d cores, median of %d steps%n", spec.name(), batch,
            tokens, TorchRuntime.threads(), Runtime.getRuntime().availableProcessors(), steps);
        for (int p = 0; p < parts.length; p++) {
          System.out.printf(Locale.ROOT, "  %-13s %9.1f ms%n", parts[p], median(full[p]));
        }
        System.out.printf(Locale.ROOT, "  step          %9.1f ms  = %.0f tokens/s forward + backward%n", total, batch * (double) tokens / (total / 1000));
        System.out.printf(Locale.ROOT, "  CPU time      %9.1f ms  = %.0f tokens per CPU-second; ~%.0f GFLOP per step = %.1f GFLOP/s per CPU-second%n",
            cpu, batch * (double) tokens / (cpu / 1000), gflop, gflop / (cpu / 1000));
        System.out.printf(Locale.ROOT, "  outside libtorch: %.1f%% (tokenize + inputs + grad read-out %.1f ms, JNI/dispatch floor %.1f ms)%n",
            100 * (outside + dispatch) / total, outside, dispatch);
      }
    }
    return 0;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
