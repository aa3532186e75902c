package dev.negmine.cli.train;

import dev.negmine.core.data.LabeledData;
import dev.negmine.text.EmbeddingCache;
import dev.negmine.text.TextEncoder;
import dev.negmine.text.TextEncoders;
import dev.negmine.text.TextFeatures;
import dev.negmine.text.data.TextCorpus;
import dev.negmine.text.data.TextReaders;
import dev.negmine.text.wordnet.WordNetTask;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Text in the training commands: text data (JSONL / TSV) and the built-in tasks become frozen
 * encoder embeddings (through the weights-keyed cache), on which a head trains. Bad input throws
 * {@link IllegalArgumentException}.
 */
public final class TextJobs {
  /** Hidden units of the residual adapter head. */
  static final int ADAPTER_HIDDEN = dev.negmine.train.spec.Defaults.ADAPTER_HIDDEN;
  /** Default items per class in a batch for text: pairs have two. */
  static final int TEXT_M_PER_CLASS = dev.negmine.train.spec.Defaults.TEXT_M_PER_CLASS;
  /**
   * Split seed of text data without --eval-data: fixed, so runs with different training seeds
   * evaluate on the same held-out classes and their spread measures training alone.
   */
  static final long SPLIT_SEED = 0;

  private TextJobs() {}

  /** Whether a job reads text: a task, or a .jsonl / .tsv data file. */
  public static boolean isText(String task, String data) {
    return dev.negmine.train.spec.RunSpec.isText(task, data);
  }

  /** The corpora of a text job: {train, eval} (eval null when there is none). */
  public static TextCorpus[] corpora(String task, String data, String evalData, Integer maxBadLines, double valFraction)
      throws IOException {
    int maxBad = maxBadLines == null ? 0 : maxBadLines;
    if (task != null) {
      if (data != null || evalData != null) {
        throw new IllegalArgumentException("--task " + task + " brings its own data: drop --data / --eval-data");
      }
      WordNetTask.Split s = wordnet(task);
      return new TextCorpus[] {s.train(), s.test()};
    }
    TextCorpus all = TextReaders.read(Path.of(data), maxBad, w -> System.err.println("negmine: warning: " + w));
    if (evalData != null) {
      return new TextCorpus[] {all, TextReaders.read(Path.of(evalData), maxBad, w -> System.err.println("negmine: warning: " + w))};
    }
    return new TextCorpus[] {all, null};
  }

  /** Extra training synsets of {@code --task wordnet} without a {@code :N} suffix. */
  static final int DEFAULT_EXTRA_SYNSETS = 8000;
  /** Defaults of train / compare with {@code --task} (the library's; measured: docs/benchmarks.md, WordNet). */
  static final String TASK_RECIPE = dev.negmine.train.spec.Defaults.TASK_RECIPE;
  static final int TASK_EPOCHS = dev.negmine.train.spec.Defaults.TASK_EPOCHS;
  static final double TASK_LR = dev.negmine.train.spec.Defaults.TASK_LEARNING_RATE;

  /** {@code wordnet[-gloss][:N]}: the WordNet task with N extra training synsets. */
  static WordNetTask.Split wordnet(String task) throws IOException {
    String t = task.toLowerCase(Locale.ROOT).trim();
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    int extra = DEFAULT_EXTRA_SYNSETS;
    if (colon >= 0) {
      try {
        extra = Integer.parseInt(t.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--task " + task + ": expected wordnet[:EXTRA_SYNSETS], e.g. wordnet:8000");
      }
    }
    boolean glosses = switch (name) {
      case "wordnet" -> false;
      case "wordnet-gloss" -> true;
      default -> throw new IllegalArgumentException("unknown task '" + task + "' (expected wordnet or wordnet-gloss, optionally :EXTRA_SYNSETS)");
    };
    return WordNetTask.load(glosses, extra);
  }

  static dev.negmine.train.spec.Runs.Job prepare(dev.negmine.train.spec.RunSpec o) throws IOException {
    String encoderName = TextEncoders.requireKnown(o.textEncoder() == null ? TextEncoders.DEFAULT : o.textEncoder());
    if (o.labels() != null || o.evalLabels() != null) {
      throw new IllegalArgumentException("--labels is for .npy features; text data carries its labels");
    }
    TextCorpus[] c = corpora(o.task(), o.data(), o.evalData(), o.maxBadLines(), o.valFraction());
    dev.negmine.train.sampling.CoarseGroups taskGroups = o.task() == null ? null
        : new dev.negmine.train.sampling.CoarseGroups(wordnet(o.task()).trainHypernyms());
    TextCorpus train;
    TextCorpus eval;
    long[] ids;
    if (c[1] != null) {
      train = c[0];
      eval = c[1];
      ids = LongStream.range(0, train.size()).toArray();
    } else {
      // held-out classes; ids are row numbers of --data so pools mined over it line up
      int[][] rows = c[0].splitByClass(o.valFraction(), SPLIT_SEED);
      train = c[0].subset(rows[0], "train classes");
      eval = c[0].subset(rows[1], "held-out classes");
      ids = java.util.Arrays.stream(rows[0]).asLongStream().toArray();
    }
    LabeledData[] x = embed(encoderName, List.of(train, eval), System.err);
    String what = o.task() != null ? o.task() + " task" : o.data();
    return new dev.negmine.train.spec.Runs.Job(dev.negmine.train.spec.SpecResolver.toConfig(o, x[0], taskGroups), x[0], x[1], what + " (" + train.size() + " train texts in " + train.classes()
        + " classes, " + eval.size() + " eval texts in " + eval.classes() + " unseen classes; frozen encoder "
        + encoderName + ")", ids);
  }

  /** Each corpus embedded by the frozen encoder {@code name}, through the default cache; progress on {@code err}. */
  public static LabeledData[] embed(String name, List<TextCorpus> corpora, PrintStream err) throws IOException {
    String n = TextEncoders.requireKnown(name);
    long start = System.nanoTime();
    LabeledData[] out = new LabeledData[corpora.size()];
    try (TextEncoder enc = TextEncoders.create(n, 1)) {
      long total = corpora.stream().mapToLong(TextCorpus::size).sum();
      boolean bar = System.console() != null;
      try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("encode").setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(err))
          .setUpdateIntervalMillis(250).showSpeed().build() : null) {
        long base = 0;
        for (int i = 0; i < out.length; i++) {
          long b = base;
          out[i] = TextFeatures.embed(corpora.get(i), enc, EmbeddingCache.defaultDir(), done -> {
            if (pb != null) {
              pb.stepTo(b + done);
            }
          });
          base += corpora.get(i).size();
        }
      }
      err.printf(Locale.ROOT, "negmine: %d texts embedded by %s (weights %s...) in %.1f s; cache %s%n", total, n,
          enc.fingerprint().substring(0, 12), (System.nanoTime() - start) / 1e9, EmbeddingCache.defaultDir());
    }
    return out;
  }

  /** Name of the file in a pool directory that holds item i's text on line i (a JSON string). */
  public static final String POOL_TEXTS = "texts.jsonl";

  /** A text corpus embedded for mining: by the frozen encoder, then by a trained head when given. */
  public record ForMining(dev.negmine.core.linalg.FloatMatrix embeddings, long[] labels, List<String> texts) {}

  /**
   * {@code data} (JSONL / TSV) embedded for {@code negmine mine}: ids are row numbers of the
   * distinct texts, as in training.
   *
   * @param model a trained run (its frozen encoder and head are used), or null for the frozen encoder
   * @param encoder frozen encoder when there is no model (null: the default)
   */
  public static ForMining embedForMining(Path model, Path data, String encoder, Integer maxBadLines) throws IOException {
    TextCorpus c = corpora(null, data.toString(), null, maxBadLines, 0.5)[0];
    String name = encoder;
    if (model != null) {
      dev.negmine.train.spec.RunSpec o = dev.negmine.train.spec.RunSpec.load(model);
      if (!isText(o.task(), o.data())) {
        throw new IllegalArgumentException(model + " was not trained on text; it cannot embed " + data);
      }
      name = o.textEncoder();
    }
    LabeledData x = embed(name == null ? TextEncoders.DEFAULT : name, List.of(c), System.err)[0];
    if (model == null) {
      return new ForMining(x.features(), x.labels(), c.texts());
    }
    try (dev.negmine.train.run.EmbeddingModel m = dev.negmine.train.run.EmbeddingModel.load(model)) {
      return new ForMining(m.embed(x), x.labels(), c.texts());
    }
  }

  /** The manifest's {@code source} key holding the SHA-256 of {@link #POOL_TEXTS} as written. */
  public static final String TEXTS_SHA256 = "texts_sha256";

  /** Writes {@code texts} into a pool directory, line i holding item i's text. */
  public static void writePoolTexts(Path poolDir, List<String> texts) throws IOException {
    dev.negmine.core.io.AtomicFiles.writeBytes(poolDir.resolve(POOL_TEXTS), textsBytes(texts));
  }

  /** SHA-256 (hex) of the texts file {@link #writePoolTexts} writes for {@code texts}. */
  public static String textsSha256(List<String> texts) {
    return sha256(textsBytes(texts));
  }

  private static byte[] textsBytes(List<String> texts) {
    StringBuilder sb = new StringBuilder();
    for (String t : texts) {
      sb.append(dev.negmine.core.io.Json.write(t)).append('\n');
    }
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * The texts of a pool mined from a text corpus, or null when it was mined from vectors. A pool
   * whose manifest records the texts' checksum must still hold exactly those texts: a deleted or
   * edited {@link #POOL_TEXTS} is refused rather than exported as ids or as other texts.
   */
  public static List<String> readPoolTexts(Path poolDir) throws IOException {
    Path f = poolDir.resolve(POOL_TEXTS);
    Object expected = dev.negmine.core.pool.PoolFiles.readManifest(poolDir).source().get(TEXTS_SHA256);
    boolean recorded = expected instanceof String;
    if (!java.nio.file.Files.isRegularFile(f)) {
      if (recorded) {
        throw new dev.negmine.core.io.NegmineFormatException(f, "missing, but the pool was mined from texts ("
            + dev.negmine.core.pool.PoolFiles.MANIFEST + " source." + TEXTS_SHA256 + " records them); mine it again");
      }
      return null;
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(f);
    if (recorded && !expected.equals(sha256(bytes))) {
      throw new dev.negmine.core.io.NegmineFormatException(f, "checksum does not match " + dev.negmine.core.pool.PoolFiles.MANIFEST
          + " source." + TEXTS_SHA256 + " (edited or replaced after mining)");
    }
    List<String> out = new java.util.ArrayList<>();
    int no = 0;
    for (String line : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1)) {
      no++;
      if (!line.isEmpty()) {
        try {
          out.add((String) dev.negmine.core.io.Json.parse(line));
        } catch (RuntimeException e) {
          throw new dev.negmine.core.io.NegmineFormatException(f, "line " + no + ": not a JSON string");
        }
      }
    }
    return out;
  }
}
