package dev.negmine.cli.train;

import dev.negmine.core.data.LabeledData;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.spec.Defaults;
import dev.negmine.train.spec.RunSpec;
import dev.negmine.train.spec.Runs;
import dev.negmine.train.spec.SpecResolver;
import dev.negmine.train.data.DataSources;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.run.RunListener;
import dev.negmine.train.run.RunSummary;
import dev.negmine.train.run.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine train}: trains an embedding model and writes a run directory with a report. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train an embedding model with online hard-negative mining.",
        "With no arguments: the facenet recipe on the bundled Fashion-MNIST test split, a small CNN."})
public final class TrainCommand implements Callable<Integer> {
  static final int DEFAULT_EPOCHS = Defaults.EPOCHS;
  static final double DEFAULT_LR = Defaults.LEARNING_RATE;
  static final double DEFAULT_TEMPERATURE = Defaults.TEMPERATURE;
  static final double SIMCLR_TEMPERATURE = Defaults.SIMCLR_TEMPERATURE;
  static final double SIMCLR_LR = Defaults.SIMCLR_LEARNING_RATE;

  @Option(names = "--data", description = "training data: a directory, an *images-idx3-ubyte[.gz] file, or a .npy (with --labels); default: bundled Fashion-MNIST t10k")
  Path data;
  @Option(names = "--labels", description = "labels .npy for .npy training features")
  Path labels;
  @Option(names = "--eval-data", description = "evaluation data (same forms); default: a seeded validation split of --data")
  Path evalData;
  @Option(names = "--eval-labels", description = "labels .npy for .npy evaluation features")
  Path evalLabels;
  @Option(names = "--recipe", description = "facenet, facenet-bh, semi-hard, batch-hard, all-triplets, random, infonce, pinterest, spotify, moco, simclr, facenet-aug, hierarchical, hier-tier, mochi or sibling-hard (default facenet; --task: " + TextJobs.TASK_RECIPE + ")")
  String recipe;
  @Option(names = "--encoder", description = "mlp, cnn, adapter or transformer (default cnn; cnn needs 28x28-style images; retrieval data"
      + " (a BEIR directory, --task foldoc, anchor/positive JSONL): transformer, fine-tuning the whole text encoder; other text data: adapter,"
      + " a head over the frozen encoder)")
  String encoder;
  @Option(names = "--epochs", description = "epochs (default " + DEFAULT_EPOCHS + "; --task: " + TextJobs.TASK_EPOCHS + ")")
  Integer epochs;
  @Option(names = "--batch", description = "base batch size (default 160; fine-tuning: queries per step, 32)")
  Integer batch;
  @Option(names = "--m-per-class", description = "items per class in a batch; 0 = plain shuffling (default 16; text data 2)")
  Integer mPerClass;
  @Option(names = "--task", description = "a built-in text task instead of --data: wordnet (lemmas of noun synsets) or wordnet-gloss (plus definitions);"
      + " :N sets the extra training synsets (default " + TextJobs.DEFAULT_EXTRA_SYNSETS + ", 0 to 25783)")
  String task;
  @Option(names = "--text-encoder", description = "frozen text encoder for text data and --task: all-minilm-l6-v2(-q) or bge-small-en-v1.5(-q) (default all-minilm-l6-v2-q)")
  String textEncoder;
  @Option(names = "--max-bad-lines", description = "malformed lines of text data (JSONL/TSV) skipped before the run fails (default 0)")
  Integer maxBadLines;
  @Option(names = "--miner", description = "miner preset for every phase (overrides the recipe's)")
  String miner;
  @Option(names = "--loss", description = "triplet, soft-triplet, contrastive or infonce (default: the recipe's); fine-tuning the"
      + " transformer: mnrl (default) or margin-mse (distil the --guide-model's score margins over the hard negatives)")
  String loss;
  @Option(names = "--reduction", defaultValue = "active-mean", description = "active-mean (average over non-zero terms) or mean (over all terms)")
  String reduction;
  @Option(names = "--margin", defaultValue = "0.2", description = "triplet margin (default ${DEFAULT-VALUE})")
  double margin;
  @Option(names = "--temperature", description = "InfoNCE temperature (default " + DEFAULT_TEMPERATURE + "; simclr "
      + SIMCLR_TEMPERATURE + ")")
  Double temperature;
  @Option(names = "--lr", description = "Adam learning rate (default " + DEFAULT_LR + "; --task: " + TextJobs.TASK_LR
      + "; simclr " + SIMCLR_LR + ")")
  Double lr;
  @Option(names = "--embedding-size", defaultValue = "64", description = "embedding dimension (default ${DEFAULT-VALUE})")
  int embeddingSize;
  @Option(names = "--seed", defaultValue = "1", description = "seed of everything (default ${DEFAULT-VALUE})")
  long seed;
  @Option(names = "--val-fraction", defaultValue = "0.05", description = "held-out validation fraction without --eval-data (default ${DEFAULT-VALUE})")
  double valFraction;
  @Option(names = "--checkpoint-every", description = "also checkpoint every N steps (checkpoints are always written at epoch ends;"
      + " fine-tuning: default every 50 steps)")
  Integer checkpointEvery;
  @picocli.CommandLine.Mixin
  dev.negmine.cli.text.FineTuneOptions fineTune = new dev.negmine.cli.text.FineTuneOptions();
  @Option(names = "--out", description = "run directory (default runs/RECIPE-ENCODER-TIMESTAMP)")
  Path out;
  @Option(names = "--resume", description = "continue the run in this directory; it ends as the uninterrupted run would")
  Path resume;
  @Option(names = "--stop-on-collapse", description = "stop when the collapse detector fires (default: warn)")
  boolean stopOnCollapse;
  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;
  @Option(names = "--queue", description = "memory queue rows (MoCo / cross-batch memory); 0 = none. Fine-tuning: the last N documents' embeddings,"
      + " negatives of every query")
  Integer queue;
  @Option(names = "--queue-warmup", description = "rows enqueued before the queue serves negatives (default: a quarter of the queue; moco: all of it)")
  Integer queueWarmup;
  @Option(names = "--queue-mining", description = "how the queue picks negatives: hardest (cross-batch memory: batch-hard over batch + queue,"
      + " the kernel 'bench queue' measures; default for --queue) or band (MoCo-style semi-hard draws paired with queue positives; the moco recipe)")
  String queueMining;
  @Option(names = "--momentum", description = "EMA factor of a momentum key encoder that embeds the queued keys, e.g. 0.999 (default: none)")
  Double momentum;
  @Option(names = "--pool", description = "offline candidate pool directory from 'negmine mine' (ids = row numbers of --data)")
  String pool;
  @Option(names = "--pool-per-anchor", description = "pool candidates drawn per anchor per step, 2-4 usual (default 2; pinterest 4)")
  Integer poolPerAnchor;
  @Option(names = "--pool-expiry", description = "fail, warn, refresh or background: what to do when the pool is past its TTL (default refresh)")
  String poolExpiry;
  @Option(names = "--pool-refresh-every", description = "re-mine the pool every N steps with the current model (default: only on expiry; pinterest/spotify: every epoch)")
  Long poolRefreshEvery;
  @Option(names = "--pool-top", description = "candidates per anchor in pools the trainer mines (default 50)")
  Integer poolTop;
  @Option(names = "--pool-ttl", description = "time-to-live of pools the trainer mines (default 48h)")
  String poolTtl;
  @Option(names = "--mix", description = "negative sources per anchor, e.g. random=0.3,in-batch=0.5,offline=0.2 (sources: random, in-batch, queue, offline)."
      + " Fine-tuning: which source fills each --hard-negatives slot (offline = mined, random, in-batch = none)")
  String mix;
  @Option(names = "--mix-to", description = "the mix at the end of the ramp (the first half of training)")
  String mixTo;
  @Option(names = "--slots", description = "negatives per anchor with a mix (default 10)")
  Integer slots;
  @Option(names = "--negatives", description = "batch (default) or dynamic: every negative sampled from the softmax over a dynamic tree index of all"
      + " training items, kept current by Nystrom drift estimation; the loss defaults to infonce with a log-Q correction."
      + " Fine-tuning: every --hard-negatives slot drawn from a dynamic index of the corpus (or the mix's dynamic share)")
  String negatives;
  @Option(names = "--dynamic-landmarks", description = "items re-embedded per step to keep the dynamic index current (default min(256, items / 20);"
      + " fine-tuning: documents, default 256; the encoder budget, a full corpus pass every corpus/N steps)")
  Integer dynamicLandmarks;
  @Option(names = "--distributed", description = "one rank of a data-parallel job started by mpirun (or 'negmine launch'):"
      + " --batch is the global batch, each rank embeds its shard, negatives come from the whole global batch"
      + " (fine-tuning: gradient-cached, rank 0 writes --out)")
  boolean distributed;
  @Option(names = "--collective-timeout", defaultValue = "60s", description = "with --distributed: how long a rank waits"
      + " in one collective for the others before aborting the job (default ${DEFAULT-VALUE})")
  String collectiveTimeout;
  @Option(names = "--grad-shards", description = "with --distributed: virtual shards of the global batch, a multiple of"
      + " the number of ranks (default: that number); runs with equal shards are bit-identical on any number of ranks that divides it")
  Integer gradShards;

  /** The job's collective with --distributed, else null; closed when the command ends. */
  private dev.negmine.core.distributed.Collective collective;
  @Option(names = "--extra-gradients", description = "random and offline negatives: none (default: embedded without gradients before the step) or full (in the step's forward pass, with gradients)")
  String extraGradients;
  @Option(names = "--augment", arity = "0..1", fallbackValue = "default",
      description = "augmented image views: pad=4,flip=all,brightness=0.2,contrast=0.3 (flip: all, none or labels 0+2+4); supervised recipes train on one view per item, simclr on two")
  String augment;
  @Option(names = "--groups", description = "coarse group per label: 'fashion-mnist' (built in) or a file of 'LABEL GROUP' lines")
  String groups;
  @Option(names = "--stratify", description = "stratified batches: CLASSES[/FROM_GROUP] classes per batch, up to FROM_GROUP from one coarse group (e.g. 5/4);"
      + " or 'siblings': m-per-class batches dealt in whole coarse groups (--groups, or the task's: WordNet hypernyms)")
  String stratify;
  @Option(names = "--tier", arity = "0..1", fallbackValue = "true", description = "stratify the memory queue's negatives by coarse group (needs --queue or a queue recipe)")
  Boolean tier;
  @Option(names = "--synthetic", arity = "0..1", fallbackValue = "default",
      description = "synthetic hard negatives (MoCHi): hardest=5,pairs=4,anchor=2,anchor-weight=0.5 (needs negative sources)")
  String synthetic;

  @Override
  public Integer call() {
    TrainSupport.headless();
    if (!distributed) {
      if (gradShards != null) {
        System.err.println("negmine train: --grad-shards needs --distributed");
        return TrainSupport.BAD_INPUT;
      }
      return TrainSupport.guard("train", System.err, this::train);
    }
    try {
      java.time.Duration timeout = seconds(collectiveTimeout);
      collective = dev.negmine.core.distributed.Collectives.open(timeout);
    } catch (RuntimeException e) {
      System.err.println("negmine train: --distributed: " + e.getMessage());
      return TrainSupport.BAD_INPUT;
    }
    String name = "train [rank " + collective.rank() + "/" + collective.worldSize() + "]";
    // one write, so that lines of ranks sharing mpirun's output do not interleave mid-line
    System.err.print(String.format(Locale.ROOT, "negmine %s: pid %d, %d ranks, collective timeout %s%n", name,
        ProcessHandle.current().pid(), collective.worldSize(), collectiveTimeout));
    System.err.flush();
    int code = TrainSupport.guard(name, System.err, this::train);
    if (code != TrainSupport.OK && collective.worldSize() > 1) {
      // the other ranks would wait in their next collective: end the whole job now
      collective.abort("negmine " + name + ": ending the job (exit " + code + ")", code);
    }
    collective.close();
    return code;
  }

  /** {@code 60s}, {@code 5m} or a number of seconds. */
  static java.time.Duration seconds(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      long v = Long.parseLong(t.endsWith("s") || t.endsWith("m") ? t.substring(0, t.length() - 1) : t);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return t.endsWith("m") ? java.time.Duration.ofMinutes(v) : java.time.Duration.ofSeconds(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--collective-timeout: cannot read '" + s + "' (use e.g. 60s or 5m)");
    }
  }

  private int train() throws IOException {
    if (fineTuning()) {
      return fineTune();
    }
    long start = System.nanoTime();
    boolean lead = collective == null || collective.rank() == 0;
    RunSpec opts;
    Path dir;
    if (resume != null) {
      dir = resume;
      opts = RunSpec.load(dir);
    } else {
      opts = RunSpec.builder().data(data).labels(str(labels)).evalData(evalData).evalLabels(str(evalLabels))
          .recipe(recipe).encoder(encoder).epochs(epochs).batch(batch).mPerClass(mPerClass).miner(miner).loss(loss)
          .reduction(reduction).margin(margin).temperature(temperature).learningRate(lr).embeddingSize(embeddingSize)
          .seed(seed).valFraction(valFraction).checkpointEvery(checkpointEvery).queue(queue).queueWarmup(queueWarmup)
          .momentum(momentum).queueMining(queueMining).pool(pool).poolPerAnchor(poolPerAnchor).poolExpiry(poolExpiry)
          .poolRefreshEvery(poolRefreshEvery).poolTop(poolTop).poolTtl(poolTtl).mix(mix).mixTo(mixTo).slots(slots)
          .task(task).textEncoder(textEncoder).maxBadLines(maxBadLines).negatives(negatives)
          .dynamicLandmarks(dynamicLandmarks).extraGradients(extraGradients).augment(augment).groups(groups)
          .stratify(stratify).tier(tier).synthetic(synthetic).build();
      dir = out != null ? out : Path.of("runs", opts.recipe() + "-" + opts.encoder() + "-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      dev.negmine.train.run.RunDirectory.checkFresh(dir);
    }
    Runs.Job job = prepare(opts);
    if (resume == null && lead) {
      opts.save(dir);
    }
    PrintStream err = System.err;
    // a redrawn bar only makes sense on a terminal; elsewhere (logs, CI) one line per epoch
    ProgressListener progress = new ProgressListener(!noProgress && System.console() != null, !noProgress, err);
    if (collective != null) {
      progress.prefix = "[rank 0/" + collective.worldSize() + "] ";
    }
    RunSummary summary = Runs.run(job, dir).listener(progress).resume(resume != null).stopOnCollapse(stopOnCollapse)
        .checkpointEverySteps(opts.checkpointEvery()).collective(collective).gradShards(gradShards == null ? 0 : gradShards)
        .build().run();
    if (!lead) {
      err.printf(Locale.ROOT, "negmine train [rank %d/%d]: done, %d steps, training loop %.1f s%n", collective.rank(),
          collective.worldSize(), summary.steps(), summary.timing().trainLoopSeconds());
      return TrainSupport.OK;
    }
    Path report = ReportWriter.write(dir);
    PrintStream o = System.out;
    o.printf(Locale.ROOT, "trained %s/%s: %d epochs, %d steps, training loop %.1f s, wall %.1f s%n",
        opts.recipe(), opts.encoder(), summary.epochs(), summary.steps(), summary.timing().trainLoopSeconds(),
        (System.nanoTime() - start) / 1e9);
    o.println("final   " + format(summary.finalMetrics()));
    o.println("raw     " + format(summary.baselineMetrics()));
    if (summary.collapse() != null) {
      o.println("warning: " + summary.collapse());
    }
    o.println("report: " + report.toAbsolutePath());
    return TrainSupport.OK;
  }

  /**
   * Whether this is retrieval fine-tuning: resuming such a run, {@code --encoder transformer}, or,
   * without {@code --encoder} and {@code --recipe}, retrieval data (a BEIR directory, a retrieval
   * task, anchor/positive JSONL).
   */
  private boolean fineTuning() throws IOException {
    if (resume != null) {
      return dev.negmine.text.finetune.FineTuning.isRun(resume);
    }
    if (encoder != null) {
      return encoder.trim().equalsIgnoreCase("transformer");
    }
    if (dev.negmine.cli.text.RetrievalCli.isRetrievalTask(task) || dev.negmine.cli.text.RetrievalCli.isBeir(data)) {
      return true;
    }
    return task == null && recipe == null && dev.negmine.cli.text.RetrievalCli.isPairsJsonl(data);
  }

  private int fineTune() throws IOException {
    long start = System.nanoTime();
    java.util.Map<String, Object> imageOnly = new java.util.LinkedHashMap<>();
    imageOnly.put("--recipe", recipe);
    imageOnly.put("--miner", miner);
    if (loss != null && dev.negmine.cli.text.FineTuneOptions.isRetrievalLoss(loss)) {
      fineTune.loss = loss; // mnrl or margin-mse: the transformer's loss
    } else {
      imageOnly.put("--loss", loss);
    }
    imageOnly.put("--queue-warmup", queueWarmup);
    imageOnly.put("--queue-mining", queueMining);
    imageOnly.put("--momentum", momentum);
    imageOnly.put("--slots", slots);
    imageOnly.put("--pool", pool);
    imageOnly.put("--m-per-class", mPerClass);
    imageOnly.put("--augment", augment);
    for (var e : imageOnly.entrySet()) {
      if (e.getValue() != null) {
        throw new IllegalArgumentException(e.getKey() + " is an option of the image and adapter pipeline; fine-tuning the transformer"
            + " takes --hard-negatives, --relative-margin, --pool-refresh-every, ... (negmine train --help); give --encoder adapter"
            + " to train a head over the frozen encoder instead");
      }
    }
    dev.negmine.cli.text.FineTuneCli.useAllCores();
    Path dir;
    dev.negmine.text.finetune.FineTuneConfig config = null;
    if (resume != null) {
      dir = resume;
    } else {
      if (task != null && !dev.negmine.cli.text.RetrievalCli.isRetrievalTask(task)) {
        throw new IllegalArgumentException("--encoder transformer: --task " + task + " is a labelled-text task for the adapter;"
            + " fine-tuning takes retrieval data (--data BEIR_DIR, anchor/positive JSONL, or --task foldoc)");
      }
      if (task == null && data == null) {
        throw new IllegalArgumentException("--encoder transformer needs retrieval data: --data BEIR_DIR or --task foldoc");
      }
      Path d = task != null ? dev.negmine.cli.text.RetrievalCli.taskDir(task) : data;
      config = fineTune.sources(queue, mix, mixTo, negatives, dynamicLandmarks).config(d.toAbsolutePath().normalize().toString(), textEncoder, epochs, batch, lr, temperature, seed,
          poolRefreshEvery, null);
      dir = out != null ? out : Path.of("runs", "finetune-" + config.model() + "-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      if (out == null && collective != null && collective.worldSize() > 1) {
        throw new IllegalArgumentException("--distributed fine-tuning needs --out DIR (every rank must name the same run)");
      }
      if (collective == null || collective.rank() == 0) {
        dev.negmine.train.run.RunDirectory.checkFresh(dir);
      }
    }
    // data parallel: every rank trains on its share of each global batch; rank 0 alone shows progress and writes the run
    dev.negmine.core.distributed.Collective group = collective != null ? collective : dev.negmine.core.distributed.Collectives.local();
    boolean lead = group.rank() == 0;
    dev.negmine.text.finetune.FineTuneSummary s = dev.negmine.cli.text.FineTuneCli.train(config, dir, resume != null,
        checkpointEvery != null ? checkpointEvery : dev.negmine.text.finetune.FineTuning.CHECKPOINT_EVERY, !noProgress && lead,
        lead ? System.err : new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), group);
    if (!lead) {
      return TrainSupport.OK;
    }
    Path report = FineTuneReport.write(dir);
    dev.negmine.cli.text.FineTuneCli.print(s, System.out);
    System.out.printf(Locale.ROOT, "wall %.1f s%nreport: %s%n", (System.nanoTime() - start) / 1e9, report.toAbsolutePath());
    return TrainSupport.OK;
  }

  /** Data and configuration of a job (the library's); validates everything before the run directory is touched. */
  static Runs.Job prepare(RunSpec opts) throws IOException {
    return TextJobs.isText(opts.task(), opts.data()) ? TextJobs.prepare(opts) : Runs.prepare(opts);
  }

  static String format(Map<String, Double> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.4f  ", k, v)));
    return sb.toString().trim();
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }

  private static Path path(String s) {
    return s == null ? null : Path.of(s);
  }

  /** Progress bar on stderr: step, loss, hardest loss, active fraction, ETA. */
  static final class ProgressListener implements RunListener {
    private final boolean show;
    private final boolean epochLines;
    private final PrintStream err;
    private ProgressBar bar;
    private long total;
    private BatchStats last;
    /** Put before every line (the rank of a distributed run). */
    String prefix = "";

    ProgressListener(boolean show, boolean epochLines, PrintStream err) {
      this.show = show;
      this.epochLines = epochLines && !show;
      this.err = err;
    }

    @Override
    public void onStart(long startStep, long totalSteps) {
      total = totalSteps;
      if (show) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps).startsFrom(startStep, java.time.Duration.ZERO)
            .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(err))
            .setUpdateIntervalMillis(250).showSpeed().build();
      }
    }

    @Override
    public void onStep(BatchStats s) {
      last = s;
      if (bar != null) {
        bar.stepTo(s.step() + 1);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f hard %.3f active %.2f", s.loss(), s.figures().hardestLoss(), s.figures().activeFraction()));
      }
    }

    @Override
    public void onEval(int epoch, long step, Map<String, Double> metrics) {
      if (epochLines && last != null) {
        err.printf(Locale.ROOT, "%sepoch %d  step %d/%d  loss %.4f  hardest %.4f  active %.2f  %s%n", prefix, epoch, step, total,
            last.loss(), last.figures().hardestLoss(), last.figures().activeFraction(), format(metrics));
      }
    }

    @Override
    public void onWarning(String message) {
      if (bar != null) {
        bar.pause();
      }
      err.println();
      err.println(prefix + "negmine train: warning: " + message);
      if (bar != null) {
        bar.resume();
      }
    }

    @Override
    public void onFinish() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
