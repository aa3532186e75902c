package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.TextEncoder;
import dev.negmine.text.TextEncoders;
import dev.negmine.text.dict.FoldocTask;
import dev.negmine.text.retrieval.IrMetrics;
import dev.negmine.text.retrieval.RetrievalData;
import dev.negmine.text.retrieval.RetrievalEvaluation;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import dev.negmine.train.engine.TorchRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The query -> document side of {@code negmine eval} and {@code negmine embed}: BEIR data or a
 * built-in retrieval task, a frozen text encoder (trainable names run on DJL with their prompts;
 * the quantised {@code -q} names on ONNX Runtime without prompts), exact search, IR metrics.
 * Flags are parsed by the commands; this class only runs the job. Single-threaded.
 */
public final class RetrievalCli {
  private RetrievalCli() {}

  /** Whether {@code task} names a built-in retrieval task (as opposed to a labelled-text task). */
  public static boolean isRetrievalTask(String task) {
    return task != null && task.trim().toLowerCase(Locale.ROOT).equals(FoldocTask.NAME);
  }

  /** Whether {@code dir} looks like a BEIR directory. */
  public static boolean isBeir(Path dir) {
    return dir != null && Files.isDirectory(dir) && Files.exists(dir.resolve("corpus.jsonl"));
  }

  /**
   * Whether {@code file} is sentence-transformers pair JSONL: a {@code .jsonl} whose first
   * non-blank line has {@code anchor} (or {@code query}) and {@code positive} fields.
   */
  public static boolean isPairsJsonl(Path file) throws IOException {
    if (file == null || !file.toString().toLowerCase(Locale.ROOT).endsWith(".jsonl") || !Files.isRegularFile(file)) {
      return false;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      while ((s = in.readLine()) != null) {
        if (!s.isBlank()) {
          try {
            com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(s).getAsJsonObject();
            return (o.has("anchor") || o.has("query")) && o.has("positive");
          } catch (RuntimeException e) {
            return false;
          }
        }
      }
    }
    return false;
  }

  /** The directory of built-in task {@code task}, built on first use under $NEGMINE_HOME/tasks. */
  public static Path taskDir(String task) throws IOException {
    if (!isRetrievalTask(task)) {
      throw new UserInputException("--task: unknown retrieval task '" + task + "' (expected " + FoldocTask.NAME + ")");
    }
    Path dir = TorchRuntime.cacheDir().getParent().resolve("tasks").resolve(FoldocTask.NAME + "-seed" + FoldocTask.SEED);
    if (!Files.exists(dir.resolve("qrels").resolve("test.tsv"))) {
      Path tmp = Files.createDirectories(dir.getParent()).resolve(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
      String desc = FoldocTask.build(Path.of("/usr/share/dictd"), tmp, FoldocTask.SEED);
      try {
        Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        // another process built it first: theirs is identical (deterministic), ours is dropped
        try (var s = Files.walk(tmp)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      System.err.println("built " + desc + " in " + dir);
    }
    return dir;
  }

  /** A frozen encoder with per-role encoding. */
  public interface RoleEncoder extends AutoCloseable {
    FloatMatrix encode(List<String> texts, Role role);

    String name();

    @Override
    void close();
  }

  /** The fine-tuned encoder of retrieval run {@code run}, named after the run. */
  public static RoleEncoder openRun(Path run) throws IOException {
    TransformerEncoder t = dev.negmine.text.finetune.FineTuning.open(run);
    return roles(t, t.name() + " fine-tuned (" + run + ")");
  }

  private static RoleEncoder roles(TransformerEncoder t, String name) {
    return new RoleEncoder() {
      public FloatMatrix encode(List<String> texts, Role role) {
        return t.encode(texts, role);
      }

      public String name() {
        return name;
      }

      public void close() {
        t.close();
      }
    };
  }

  /** Opens encoder {@code name}: a trainable spec on DJL (with prompts), else a bundled ONNX Runtime encoder. */
  public static RoleEncoder open(String name) {
    String n = name == null ? TransformerSpec.DEFAULT : name.trim().toLowerCase(Locale.ROOT);
    if (TransformerSpec.names().contains(n)) {
      return roles(TransformerEncoder.pretrained(n), n);
    }
    TextEncoder e;
    try {
      e = TextEncoders.create(n, 1);
    } catch (IllegalArgumentException ex) {
      throw new UserInputException("--text-encoder: unknown text encoder '" + name + "' (expected one of "
          + String.join(", ", TransformerSpec.names()) + ", or a quantised " + String.join(", ", TextEncoders.names()) + ")");
    }
    return new RoleEncoder() {
      public FloatMatrix encode(List<String> texts, Role role) {
        return e.encode(texts);
      }

      public String name() {
        return n;
      }

      public void close() {
        e.close();
      }
    };
  }

  /** {@code negmine eval} on retrieval data: prints the metrics (a table, or JSON). */
  public static int eval(Path data, String task, String split, String encoder, boolean json) throws IOException {
    return eval(data, task, split, encoder, null, json);
  }

  /**
   * As {@link #eval(Path, String, String, String, boolean)} with the fine-tuned encoder of
   * {@code run} when not null (data default: the run's own).
   */
  public static int eval(Path data, String task, String split, String encoder, Path run, boolean json) throws IOException {
    FineTuneCli.useAllCores();
    if (run != null && encoder != null) {
      throw new UserInputException("give --model RUN or --text-encoder NAME, not both");
    }
    if (run != null && data == null && task == null) {
      data = Path.of(dev.negmine.text.finetune.FineTuning.readConfig(run).data());
    }
    if ((data == null) == (task == null)) {
      throw new UserInputException("give either --data BEIR_DIR or --task " + FoldocTask.NAME);
    }
    Path dir = data != null ? data : taskDir(task);
    RetrievalData d = RetrievalData.read(dir);
    String s = split == null ? "test" : split;
    if (!d.splits().contains(s)) {
      throw new UserInputException("--split: " + dir + " has no qrels/" + s + ".tsv (have " + String.join(", ", d.splits()) + ")");
    }
    long t0 = System.nanoTime();
    IrMetrics.Result r;
    String name;
    try (RoleEncoder enc = run != null ? openRun(run) : open(encoder)) {
      name = enc.name();
      r = RetrievalEvaluation.evaluate(d, s, q -> enc.encode(q, Role.QUERY), docs -> enc.encode(docs, Role.DOCUMENT));
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (json) {
      System.out.println("{\"data\": " + dev.negmine.core.io.Json.write(dir.toString()) + ", \"split\": " + dev.negmine.core.io.Json.write(s)
          + ", \"encoder\": " + dev.negmine.core.io.Json.write(name) + ", \"documents\": " + d.corpus().size()
          + ", \"metrics\": " + r.toJson() + "}");
    } else {
      System.out.printf(Locale.ROOT, "%s, split %s: %d documents, encoder %s%s, %.1f s%n", dir, s, d.corpus().size(), name,
          run != null ? "" : " (frozen)", secs);
      System.out.print(r.toTable());
    }
    return 0;
  }

  /**
   * {@code negmine embed --text-encoder}: one float32 row per JSONL line, in file order. Queries
   * embed field {@code text}; documents title + " " + text.
   */
  public static int embed(Path file, String role, String encoder, Path out) throws IOException {
    return embed(file, role, encoder, null, out);
  }

  /** As {@link #embed(Path, String, String, Path)} with the fine-tuned encoder of {@code run} when not null. */
  public static int embed(Path file, String role, String encoder, Path run, Path out) throws IOException {
    FineTuneCli.useAllCores();
    Role r;
    try {
      r = Role.valueOf(role == null ? "DOCUMENT" : role.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--role: expected query or document, got '" + role + "'");
    }
    List<String> texts = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = in.readLine()) != null) {
        line++;
        com.google.gson.JsonObject o;
        try {
          o = com.google.gson.JsonParser.parseString(s).getAsJsonObject();
        } catch (RuntimeException e) {
          throw new UserInputException(file + ":" + line + ": not a JSON object");
        }
        String title = r == Role.DOCUMENT && o.has("title") && !o.get("title").isJsonNull() ? o.get("title").getAsString() : "";
        String text = o.has("text") && !o.get("text").isJsonNull() ? o.get("text").getAsString() : "";
        String t = (title + " " + text).strip();
        if (t.isEmpty()) {
          throw new UserInputException(file + ":" + line + ": field 'text' is missing or empty");
        }
        texts.add(t);
      }
    }
    if (texts.isEmpty()) {
      throw new UserInputException(file + ": no lines to embed");
    }
    FloatMatrix e;
    try (RoleEncoder enc = run != null ? openRun(run) : open(encoder)) {
      e = enc.encode(texts, r);
    }
    Npy.write(out, e);
    System.out.printf("wrote %d x %d embeddings to %s%n", e.rows(), e.cols(), out);
    return 0;
  }
}
