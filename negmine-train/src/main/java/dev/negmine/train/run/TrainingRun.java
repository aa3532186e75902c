package dev.negmine.train.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.Evaluator;
import dev.negmine.train.MinerFactory;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.Trainer;
import dev.negmine.train.checkpoint.Checkpoint;
import dev.negmine.train.data.Preprocessing;
import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.monitor.CollapseDetector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One training job writing a run directory: {@code config.json}, {@code metrics.jsonl} (one line per
 * step and per evaluation), {@code checkpoint.bin} (every epoch and every N steps, written
 * atomically), {@code model/} and {@code summary.json} at the end. A fresh run refuses a directory
 * that already holds a run; {@code resume} continues one whose configuration and data match.
 * Single-threaded.
 */
public final class TrainingRun {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
  private static final Gson LINE = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private final Path dir;
  private final TrainConfig config;
  private final LabeledData train;
  private final LabeledData eval;
  private final String dataDescription;
  private final MinerFactory miners;
  private final Evaluator evaluator;
  private final RunListener listener;
  private final InstantSource clock;
  private final boolean resume;
  private final boolean stopOnCollapse;
  private final int checkpointEverySteps;
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private double loopCpuSeconds;
  private final long[] trainIds;
  /** The replicas of a data-parallel run, or null for a single process. */
  private final dev.negmine.core.distributed.Collective collective;
  private final int gradShards;

  private TrainingRun(Builder b) {
    this.dir = Objects.requireNonNull(b.dir, "run directory");
    this.config = Objects.requireNonNull(b.config, "config");
    this.train = Objects.requireNonNull(b.train, "training data");
    this.eval = Objects.requireNonNull(b.eval, "evaluation data");
    this.dataDescription = b.dataDescription == null ? train.source() : b.dataDescription;
    this.miners = Objects.requireNonNull(b.miners, "miner factory");
    this.evaluator = Objects.requireNonNull(b.evaluator, "evaluator");
    this.listener = b.listener == null ? RunListener.NONE : b.listener;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.resume = b.resume;
    this.stopOnCollapse = b.stopOnCollapse;
    this.checkpointEverySteps = b.checkpointEverySteps;
    this.trainIds = b.trainIds;
    this.collective = b.collective;
    this.gradShards = b.gradShards > 0 ? b.gradShards : collective == null ? 1 : collective.worldSize();
    if (trainIds != null && trainIds.length != train.size()) {
      throw new IllegalArgumentException(trainIds.length + " item ids for " + train.size() + " training items");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configuration JSON a run directory records; resuming requires an identical one. */
  public String configJson() {
    JsonObject o = new JsonObject();
    o.add("train", GSON.toJsonTree(config));
    o.addProperty("data", dataDescription);
    o.addProperty("data_fingerprint", fingerprint(train));
    o.addProperty("eval_fingerprint", fingerprint(eval));
    o.addProperty("checkpoint_every_steps", checkpointEverySteps);
    return GSON.toJson(o);
  }

  /**
   * Runs (or resumes) the job to the end. In a data-parallel run (see {@link Builder#collective})
   * every rank calls this; rank 0 alone checks and writes the run directory (config, metrics,
   * checkpoints, model, summary) and evaluates, and the others learn the outcome of its checks
   * before anything else happens, so a refused directory fails every rank with the same message.
   * Checkpoints hold only global state (weights, optimizer, position), so a run may be resumed on
   * any number of ranks.
   */
  public RunSummary run() throws IOException {
    try {
      return runInDirectory();
    } catch (IOException | RuntimeException | Error e) {
      if (runDir != null) {
        runDir.failed(e);
      }
      throw e;
    } finally {
      if (runDir != null) {
        runDir.close();
        runDir = null;
      }
    }
  }

  /** The run directory while this process (rank 0) holds it, else null. */
  private RunDirectory runDir;

  private RunSummary runInDirectory() throws IOException {
    long wallStart = clock.millis();
    boolean lead = collective == null || collective.rank() == 0;
    // degenerate data fails here, before the run directory is claimed (one line naming the data)
    try {
      RunData.validate(train, eval);
      RunData.requireBatchesFit(config, train);
    } catch (IOException | IllegalArgumentException e) {
      if (lead && !resume) {
        RunDirectory.discardStub(dir, e); // the caller may have written its own files into it already
      }
      throw e;
    }
    Path ckptFile = dir.resolve(RunFiles.CHECKPOINT);
    String configJson = configJson();
    Path metricsFile = dir.resolve(RunFiles.METRICS);
    String refused = null;
    if (lead) {
      try {
        runDir = RunDirectory.open(dir, !resume);
        prepareDirectory(configJson, ckptFile, metricsFile);
      } catch (IllegalArgumentException | IOException e) {
        if (collective == null) {
          throw e;
        }
        refused = e instanceof IOException ? "failed: " + e : e.getMessage();
      }
    }
    if (collective != null) {
      refused = agree(refused);
      if (refused != null) {
        throw new IllegalArgumentException(refused);
      }
    }
    Checkpoint ckpt = null;
    if (resume && Files.exists(ckptFile)) {
      ckpt = RunDirectory.readCheckpoint(ckptFile);
    }
    double loopSeconds = ckpt == null ? 0 : readLoopSeconds(ckpt);
    loopCpuSeconds = 0;
    Trainer.Environment env = Trainer.Environment.defaults(train.size());
    env = new Trainer.Environment(trainIds != null ? trainIds : env.ids(), clock, dir.resolve(RunFiles.POOLS));
    try (Trainer trainer = new Trainer(config, train, null, miners, env);
        Writer metrics = lead ? Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
            : Writer.nullWriter()) {
      if (ckpt != null) {
        trainer.restore(new DataInputStream(new ByteArrayInputStream(ckpt.weights())), ckpt.optimizer().arrays(),
            ckpt.position().epoch(), ckpt.position().stepInEpoch(), ckpt.position().step());
        trainer.restoreSources(ckpt.sources());
      }
      if (collective != null) {
        trainer.distribute(collective, gradShards);
      }
      Map<String, Double> baseline = lead
          ? evaluator.evaluate(trainer.preprocessing().apply(eval.features()), eval.labels()) : Map.of();
      if (ckpt == null && lead) {
        writeLine(metrics, eventLine("baseline", 0, 0, baseline));
      }
      RunListener events = lead ? listener : RunListener.NONE;
      StepSourceStats sourceStats = new StepSourceStats(events);
      if (trainer.sources() != null) {
        trainer.sources().addListener(sourceStats);
      }
      events.onStart(trainer.step(), trainer.totalSteps());
      CollapseDetector detector = CollapseDetector.defaults();
      String collapse = null;
      boolean stopped = false;
      Map<String, Double> last = ckpt == null || !lead ? null : readLastEval(metricsFile);
      while (!trainer.done()) {
        long t0 = System.nanoTime();
        long c0 = THREADS.getCurrentThreadCpuTime();
        BatchStats s = trainer.trainStep();
        loopSeconds += (System.nanoTime() - t0) / 1e9;
        loopCpuSeconds += (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
        writeLine(metrics, stepLine(s, sourceStats.take(), trainer.lastStepComm()));
        for (Map<String, Object> event : sourceStats.takeEvents()) {
          writeLine(metrics, LINE.toJson(event));
        }
        events.onStep(s);
        double margin = config.loss() == TrainConfig.LossKind.INFONCE ? 0 : config.curriculum().at(s.epoch()).margin();
        var fired = detector.observe(s, margin);
        if (fired.isPresent()) {
          collapse = fired.get();
          events.onWarning(collapse);
          writeLine(metrics, "{\"type\":\"collapse\",\"step\":" + s.step() + ",\"message\":" + LINE.toJson(collapse) + "}");
          if (stopOnCollapse) {
            stopped = true;
            break;
          }
        }
        if (!lead) {
          continue;
        }
        boolean epochEnd = trainer.stepInEpoch() == 0;
        if (epochEnd) {
          last = evaluator.evaluate(trainer.embed(eval.features()), eval.labels());
          writeLine(metrics, eventLine("eval", trainer.epoch(), trainer.step(), last));
          events.onEval(trainer.epoch(), trainer.step(), last);
        }
        if (epochEnd || (checkpointEverySteps > 0 && trainer.step() % checkpointEverySteps == 0)) {
          metrics.flush();
          checkpoint(trainer, configJson, ckptFile, metricsFile, loopSeconds);
        }
      }
      if (!lead) {
        return new RunSummary(dir, Map.of(), Map.of(), trainer.epoch(), trainer.step(), new RunSummary.Timing(loopSeconds,
            Duration.ofMillis(clock.millis() - wallStart).toMillis() / 1e3), collapse, stopped);
      }
      if (last == null) {
        last = evaluator.evaluate(trainer.embed(eval.features()), eval.labels());
      }
      metrics.flush();
      saveModel(trainer, dir.resolve(RunFiles.MODEL_DIR), configJson);
      RunSummary summary = new RunSummary(dir, last, baseline, trainer.epoch(), trainer.step(), new RunSummary.Timing(loopSeconds,
          Duration.ofMillis(clock.millis() - wallStart).toMillis() / 1e3), collapse, stopped);
      writeSummary(summary, configJson);
      events.onFinish();
      return summary;
    }
  }

  /** Checks the run directory and writes config.json and an empty (or truncated) metrics file. */
  private void prepareDirectory(String configJson, Path ckptFile, Path metricsFile) throws IOException {
    Checkpoint ckpt = null;
    if (resume) {
      if (!Files.exists(dir.resolve(RunFiles.CONFIG))) {
        throw new IllegalArgumentException("cannot resume " + dir + ": it is not a run directory (no " + RunFiles.CONFIG + ")");
      }
      String saved = Files.readString(dir.resolve(RunFiles.CONFIG));
      if (!saved.equals(configJson)) {
        throw new IllegalArgumentException("cannot resume " + dir + ": its configuration or data differ from this run's ("
            + firstDifference(saved, configJson) + ")");
      }
      if (Files.exists(ckptFile)) {
        ckpt = RunDirectory.readCheckpoint(ckptFile);
      }
    } else if (Files.exists(dir.resolve(RunFiles.CONFIG)) || Files.exists(dir.resolve(RunFiles.SUMMARY))) {
      throw new IllegalArgumentException(dir + " already holds a run; choose another --out or --resume it");
    }
    Files.createDirectories(dir);
    if (!resume) {
      RunFiles.writeString(dir.resolve(RunFiles.CONFIG), configJson);
    }
    prepareMetrics(metricsFile, ckpt);
  }

  /** Rank 0's refusal (or null), broadcast so every rank returns the same verdict. */
  private String agree(String refused) {
    byte[] msg = refused == null ? new byte[0] : refused.getBytes(StandardCharsets.UTF_8);
    float[] len = {msg.length};
    collective.broadcast(len, 0);
    byte[] all = collective.rank() == 0 ? msg : new byte[(int) len[0]];
    if (all.length > 0) {
      collective.broadcast(all, 0);
    }
    return all.length == 0 ? null : new String(all, StandardCharsets.UTF_8);
  }

  private void checkpoint(Trainer trainer, String configJson, Path file, Path metricsFile, double loopSeconds)
      throws IOException {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    trainer.saveWeights(new DataOutputStream(w));
    JsonObject prov = GSON.toJsonTree(Provenance.current(clock.instant())).getAsJsonObject();
    prov.addProperty("train_loop_seconds", loopSeconds);
    Checkpoint c = new Checkpoint(configJson, GSON.toJson(prov),
        new Checkpoint.Position(trainer.epoch(), trainer.stepInEpoch(), trainer.step()), w.toByteArray(),
        new Checkpoint.OptimizerState(trainer.step(), trainer.optimizerState()), Files.size(metricsFile),
        trainer.sourcesState());
    RunFiles.writeAtomically(file, c::write);
  }

  /** The model directory: weights plus everything needed to rebuild and apply it. */
  private void saveModel(Trainer trainer, Path modelDir, String configJson) throws IOException {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    trainer.saveWeights(new DataOutputStream(w));
    JsonObject m = new JsonObject();
    m.addProperty("format", "negmine-model");
    m.addProperty("version", 1);
    m.add("encoder", GSON.toJsonTree(config.encoder()));
    m.add("preprocessing", GSON.toJsonTree(trainer.preprocessing()));
    m.add("config", GSON.fromJson(configJson, JsonObject.class));
    m.add("provenance", GSON.toJsonTree(Provenance.current(clock.instant())));
    RunFiles.writeAtomically(modelDir.resolve(RunFiles.WEIGHTS), out -> out.write(w.toByteArray()));
    RunFiles.writeString(modelDir.resolve(RunFiles.MODEL_JSON), GSON.toJson(m));
  }

  private void writeSummary(RunSummary s, String configJson) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("run", s.runDir().toString());
    o.add("final_metrics", GSON.toJsonTree(s.finalMetrics()));
    o.add("baseline_metrics", GSON.toJsonTree(s.baselineMetrics()));
    o.addProperty("epochs", s.epochs());
    o.addProperty("steps", s.steps());
    o.addProperty("train_loop_seconds", s.timing().trainLoopSeconds());
    // CPU time of the training thread in this session's steps: on a shared machine, the loop's
    // wall time on an idle one (the engine runs on this thread; the monitor overlaps on another)
    o.addProperty("train_loop_thread_cpu_seconds_this_session", loopCpuSeconds);
    o.addProperty("wall_seconds_this_session", s.timing().wallSeconds());
    o.addProperty("collapse", s.collapse());
    o.addProperty("stopped_on_collapse", s.stoppedEarly());
    o.add("config", GSON.fromJson(configJson, JsonObject.class));
    o.add("provenance", GSON.toJsonTree(Provenance.current(clock.instant())));
    RunFiles.writeString(dir.resolve(RunFiles.SUMMARY), GSON.toJson(o));
  }

  private static void prepareMetrics(Path file, Checkpoint ckpt) throws IOException {
    if (ckpt == null) {
      Files.write(file, new byte[0]);
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      ch.truncate(ckpt.metricsBytes());
    }
  }

  private static double readLoopSeconds(Checkpoint c) {
    JsonObject p = GSON.fromJson(c.provenanceJson(), JsonObject.class);
    return p.has("train_loop_seconds") ? p.get("train_loop_seconds").getAsDouble() : 0;
  }

  private static Map<String, Double> readLastEval(Path metricsFile) throws IOException {
    Map<String, Double> last = null;
    for (String line : Files.readAllLines(metricsFile)) {
      if (line.contains("\"type\":\"eval\"")) {
        JsonObject o = GSON.fromJson(line, JsonObject.class);
        Map<String, Double> m = new LinkedHashMap<>();
        o.getAsJsonObject("metrics").entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsDouble()));
        last = m;
      }
    }
    return last;
  }

  /**
   * One {@code metrics.jsonl} step line. The statistics are written flat, in the order and with the
   * names of {@link BatchStats}' components and its figures' (the format predates the grouping).
   */
  static String stepLine(BatchStats s, Map<String, Object> sources, dev.negmine.train.step.ReplicaExecution.StepComm comm) {
    JsonObject o = new JsonObject();
    o.addProperty("step", s.step());
    o.addProperty("epoch", s.epoch());
    o.addProperty("miner", s.miner());
    o.addProperty("batchSize", s.batchSize());
    o.addProperty("loss", s.loss());
    BatchStats.Figures f = s.figures();
    o.addProperty("hardestLoss", f.hardestLoss());
    o.addProperty("tuples", f.tuples());
    o.addProperty("activeFraction", f.activeFraction());
    o.addProperty("meanCosine", f.meanCosine());
    o.addProperty("effectiveRank", f.effectiveRank());
    o.addProperty("type", "step");
    if (comm != null) {
      o.addProperty("world_size", comm.worldSize());
      o.addProperty("compute_seconds", comm.computeSeconds());
      o.addProperty("comm_seconds", comm.commSeconds());
      o.addProperty("comm_bytes", comm.bytes());
    }
    sources.forEach((k, v) -> o.add(k, LINE.toJsonTree(v)));
    return LINE.toJson(o);
  }

  private static String eventLine(String type, int epoch, long step, Map<String, Double> metrics) {
    JsonObject o = new JsonObject();
    o.addProperty("type", type);
    o.addProperty("epoch", epoch);
    o.addProperty("step", step);
    o.add("metrics", LINE.toJsonTree(metrics));
    return LINE.toJson(o);
  }

  private static void writeLine(Writer w, String line) throws IOException {
    w.write(line);
    w.write('\n');
  }

  /** Order-sensitive hash of features and labels, so resuming on other data is refused. */
  static String fingerprint(LabeledData d) {
    FloatMatrix f = d.features();
    long h = 1125899906842597L;
    for (float v : f.data()) {
      h = 31 * h + Float.floatToIntBits(v);
    }
    for (long l : d.labels()) {
      h = 31 * h + l;
    }
    return f.rows() + "x" + f.cols() + ":" + Long.toHexString(h);
  }

  private static String firstDifference(String a, String b) {
    String[] x = a.split("\n");
    String[] y = b.split("\n");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        return "saved " + x[i].trim() + " vs now " + y[i].trim();
      }
    }
    return "different length";
  }

  /** Builder; directory, config, data, miners and evaluator are required. */
  public static final class Builder {
    private Path dir;
    private TrainConfig config;
    private LabeledData train;
    private LabeledData eval;
    private String dataDescription;
    private MinerFactory miners;
    private Evaluator evaluator;
    private RunListener listener;
    private InstantSource clock;
    private boolean resume;
    private boolean stopOnCollapse;
    private int checkpointEverySteps;
    private long[] trainIds;
    private dev.negmine.core.distributed.Collective collective;
    private int gradShards;

    /**
     * Makes this run one rank of a data-parallel job over {@code c} (every rank builds the same run
     * and calls {@link TrainingRun#run}); the configured batch size is the global batch.
     */
    public Builder collective(dev.negmine.core.distributed.Collective c) { collective = c; return this; }

    /** Virtual gradient shards of a data-parallel run (default: the world size); see {@link Trainer#distribute(dev.negmine.core.distributed.Collective, int)}. */
    public Builder gradShards(int n) { gradShards = n; return this; }

    /** Item ids of the training rows (offline pools name items by them); default: row numbers. */
    public Builder trainIds(long[] v) { trainIds = v; return this; }
    public Builder dir(Path v) { dir = v; return this; }
    public Builder config(TrainConfig v) { config = v; return this; }
    public Builder train(LabeledData v) { train = v; return this; }
    public Builder eval(LabeledData v) { eval = v; return this; }
    public Builder dataDescription(String v) { dataDescription = v; return this; }
    public Builder miners(MinerFactory v) { miners = v; return this; }
    public Builder evaluator(Evaluator v) { evaluator = v; return this; }
    public Builder listener(RunListener v) { listener = v; return this; }
    public Builder clock(InstantSource v) { clock = v; return this; }
    public Builder resume(boolean v) { resume = v; return this; }
    public Builder stopOnCollapse(boolean v) { stopOnCollapse = v; return this; }

    /** Also checkpoint every {@code n} steps (0 = only at epoch ends). */
    public Builder checkpointEverySteps(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + n);
      }
      checkpointEverySteps = n;
      return this;
    }

    public TrainingRun build() {
      return new TrainingRun(this);
    }
  }
}
