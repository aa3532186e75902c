package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mixer.MixPlan;
import dev.negmine.text.retrieval.IrMetrics;
import dev.negmine.text.retrieval.RetrievalData;
import dev.negmine.text.retrieval.RetrievalEvaluation;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.train.engine.AdamW;
import dev.negmine.train.engine.TorchRuntime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One retrieval fine-tuning run on an open encoder: the frozen model's corpus pass (hard-negative
 * mining and the frozen validation score from one embedding), then steps of multiple-negatives
 * ranking over in-batch and hard negatives with AdamW under a warm-up / linear-decay schedule, a
 * validation pass per epoch, checkpoints, and the final evaluation. The run directory and its files
 * belong to {@link FineTuning}; this class owns the loop and its state. Single-threaded apart from
 * the background pool refresh ({@link PoolRefresh}).
 *
 * <p>The run's own embedding passes (mining, validation) truncate at the training length, as
 * sentence-transformers' {@code max_seq_length} does: half the cost of the model's 256 on long
 * documents, and the frozen and fine-tuned figures of the report are measured alike.
 * {@code negmine eval/embed --model RUN} use the model's own maximum.
 *
 * <p>Reproducibility: the batch plan, each step's negatives and dropout (PyTorch's generator is
 * reseeded per step) are functions of the seed and the step, so a run resumed from a checkpoint
 * takes the same steps as the uninterrupted one (same batches, negatives and dropout; the same
 * losses; weights bit for bit in isolated runs, see docs/text-retrieval.md for the exceptions
 * seen), except that a background refresh in flight at the checkpoint restarts.
 */
final class FineTuneRun {
  private final FineTuneConfig config;
  private final RetrievalData data;
  private final TrainingQueries queries;
  private final TransformerEncoder encoder;
  private final List<Parameter> trainable;
  private final AdamW optimizer;
  private final FineTuneListener listener;
  private final LossStep lossStep;
  /** The data-parallel group ({@code Collectives.local()} for one process). */
  private final dev.negmine.core.distributed.Collective collective;
  private final SlotNegatives slots;
  /** Which source fills each hard-negative slot; null = the mined candidates. */
  private SlotSources slotSources;
  /** Documents of earlier steps, negatives of every query; null = no queue. */
  private final DocumentQueue queue;
  private final List<List<List<BatchPlan.Row>>> plan = new ArrayList<>();
  private long totalSteps;
  /** Query indices the plan draws from (see {@link #trainingQueries}). */
  private int[] trainOn;
  private final List<String> history = new ArrayList<>();
  private int[][] pool;
  private long step;
  private IrMetrics.Result frozenDev;
  private IrMetrics.Result frozenTest;
  private PoolRefresh refresh;
  /** The dynamic tree index of the corpus as a slot source; null without one. */
  private final DynamicNegatives dynamic;
  /** The guide model's embeddings (null without a guide, or until first needed: a resumed run re-embeds). */
  private GuideModel guide;
  /**
   * Steps whose update was skipped for a non-finite loss or gradient (not checkpointed: a
   * diagnostic). One 100-step FOLDOC run once produced a NaN loss at step 97 that a replay of the
   * same steps from the step-50 checkpoint did not (loss 1.4266 there); rather than lose the run,
   * such a step is skipped and reported, and more than {@link #MAX_SKIPPED} fail it.
   */
  private int skipped;
  static final int MAX_SKIPPED = 10;

  FineTuneRun(FineTuneConfig config, RetrievalData data, TransformerEncoder encoder, FineTuneListener listener) {
    this(config, data, encoder, listener, dev.negmine.core.distributed.Collectives.local());
  }

  /**
   * A run that is one rank of a data-parallel group: every rank runs this same loop (same plan,
   * candidates and weights); the step embeds this rank's share of the global batch and all-reduces
   * the gradients ({@link CachedLossStep}).
   */
  FineTuneRun(FineTuneConfig config, RetrievalData data, TransformerEncoder encoder, FineTuneListener listener,
      dev.negmine.core.distributed.Collective collective) {
    this.collective = collective;
    this.config = config;
    this.data = data;
    this.queries = TrainingQueries.of(data, config.seed());
    this.encoder = encoder;
    this.listener = listener;
    this.lossStep = LossStep.of(config, collective);
    this.slots = new SlotNegatives(queries, data.corpus().size());
    FineTuneConfig.Schedule s = config.schedule();
    this.trainable = encoder.trainableParameters(s.freezeEmbeddings(), s.frozenLayers());
    boolean[] decays = new boolean[trainable.size()];
    List<NDArray> arrays = new ArrayList<>();
    for (int i = 0; i < decays.length; i++) {
      String n = trainable.get(i).getName();
      decays[i] = !n.endsWith(".bias") && !n.contains("LayerNorm");
      arrays.add(trainable.get(i).getArray());
    }
    this.optimizer = new AdamW(arrays, decays, s.weightDecay(), s.maxGradNorm());
    FineTuneConfig.Negatives n = config.negatives();
    this.queue = n.queue() > 0 ? new DocumentQueue(n.queue(), encoder.dimension()) : null;
    this.dynamic = n.dynamic() > 0 ? new DynamicNegatives(config, queries, encoder, corpusTexts(), listener::onPhase) : null;
  }

  /**
   * Plans the epochs over the training queries in {@code trainOn} (ascending query indices) and
   * fixes the step count; called once the frozen candidates are known ({@link #prepare}) or
   * restored. Which queries train is decided once, from the frozen model's candidates, so a pool
   * refresh never changes the plan.
   */
  private void planEpochs(int[] trainOn) {
    this.trainOn = trainOn;
    plan.clear();
    FineTuneConfig.Schedule s = config.schedule();
    long total = 0;
    for (int e = 0; e < s.epochs(); e++) {
      List<List<BatchPlan.Row>> p = BatchPlan.epoch(queries, trainOn, config.batch(), config.seed(), e);
      plan.add(p);
      total += p.size();
    }
    this.totalSteps = s.maxSteps() > 0 ? Math.min(s.maxSteps(), total) : total;
    FineTuneConfig.Negatives n = config.negatives();
    // the image pipeline's ramp: the first half of training
    this.slotSources = SlotSources.of(n.mix(), n.mixTo(), Math.max(1, totalSteps / 2), config.seed());
  }

  /**
   * The queries that train: all of them, or with {@code unmined = drop} those with at least one
   * candidate (sentence-transformers' {@code mine_hard_negatives} leaves the others out of its triplets).
   */
  private int[] trainingQueries(int[][] candidates) {
    boolean drop = config.negatives().dropsUnmined();
    return java.util.stream.IntStream.range(0, queries.size()).filter(q -> !drop || candidates[q].length > 0).toArray();
  }

  /** How a single-process run with {@code config} computes a step's gradient ({@link LossStep#of}). */
  static LossStep lossStep(FineTuneConfig config) {
    return LossStep.of(config, dev.negmine.core.distributed.Collectives.local());
  }

  TrainingQueries queries() {
    return queries;
  }

  /** The query indices the plan draws from (after {@link #prepare} or {@link #restore}). */
  int[] trainOn() {
    return trainOn.clone();
  }

  /** Each training query's current candidates (corpus rows). */
  int[][] candidates() {
    return pool;
  }

  long totalSteps() {
    return totalSteps;
  }

  long step() {
    return step;
  }

  List<String> history() {
    return history;
  }

  IrMetrics.Result frozenDev() {
    return frozenDev;
  }

  IrMetrics.Result frozenTest() {
    return frozenTest;
  }

  /**
   * The frozen model's pass: embeds the corpus and the training queries, mines the candidates and
   * scores the frozen model on validation (and test, when the data has it) from that one corpus embedding.
   */
  void prepare() {
    FloatMatrix docs = FrozenCorpus.embed(encoder, corpusTexts(), config.maxLength(),
        () -> listener.onPhase("embedding " + data.corpus().size() + " documents with the frozen model"));
    pool = mine(docs, encoder, true);
    int[] train = trainingQueries(pool);
    if (train.length == 0) {
      throw new IllegalArgumentException("no training query has a hard negative under the mining rule; loosen --relative-margin"
          + " or --range-max, or give --unmined random");
    }
    planEpochs(train);
    RankAgreement.check(collective, pool, trainOn);
    if (dynamic != null) {
      dynamic.build(docs, 0);
    }
    guide();
    frozenDev = evaluate(queries.devQrels(), docs);
    frozenTest = data.splits().contains("test") ? RetrievalEvaluation.evaluate(data, data.qrels("test"),
        t -> encoder.encode(t, Role.QUERY, config.maxLength()), docs) : null;
    record("{\"eval\": \"frozen\", \"epoch\": 0, \"step\": 0, \"split\": " + json(queries.devSplit())
        + ", \"dev\": " + (frozenDev == null ? "null" : frozenDev.toJson())
        + ", \"test\": " + (frozenTest == null ? "null" : frozenTest.toJson()) + "}");
    if (frozenDev != null) {
      listener.onEval(0, 0, frozenDev);
    }
  }

  /** Candidates per training query: the data's explicit negatives, else mined with {@code model}'s embeddings. */
  int[][] mine(FloatMatrix docs, TransformerEncoder model, boolean announce) {
    int[][] out = new int[queries.size()][];
    if (config.negatives().perQuery() == 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = new int[0];
      }
      return out;
    }
    if (announce) {
      listener.onPhase("mining hard negatives of " + queries.size() + " training queries");
    }
    FloatMatrix q = model.encode(queries.texts(), Role.QUERY, config.maxLength());
    MiningRule rule = config.negatives().mining();
    int[][] mined = HardNegativeMiner.mine(q, docs, queries.positives(), queries.textGroup(),
        rule.withCount(Math.max(rule.count(), config.negatives().perQuery())), config.seed());
    int empty = 0;
    for (int i = 0; i < out.length; i++) {
      int[] explicit = queries.explicitNegatives(i);
      out[i] = explicit.length > 0 ? explicit : mined[i];
      if (out[i].length == 0) {
        empty++;
      }
    }
    if (empty > 0 && announce) {
      listener.onMessage(empty + " of " + out.length + " training queries have no candidate under the mining rule;"
          + (config.negatives().dropsUnmined() ? " they are left out of training (--unmined drop, as sentence-transformers does)"
          : " they get random corpus documents (--unmined random)"));
    }
    return out;
  }

  /** Restores the state a checkpoint saved. */
  void restore(FineTuneCheckpoint c) {
    if (dynamic != null) {
      dynamic.reset(); // rebuilt from the restored weights when first needed
    }
    List<Parameter> all = encoder.parameters();
    if (c.weights().size() != all.size() || c.pool().length != queries.size()) {
      throw new IllegalArgumentException("checkpoint does not match this run: " + c.weights().size() + " weight arrays for "
          + all.size() + ", candidates of " + c.pool().length + " queries for " + queries.size());
    }
    for (int i = 0; i < all.size(); i++) {
      all.get(i).getArray().set(c.weights().get(i));
    }
    optimizer.restore(c.optimizer(), c.step());
    pool = c.pool();
    planEpochs(c.trainOn());
    if (queue != null) {
      queue.restore(c.queueRows(), c.queueEmbeddings());
    }
    step = c.step();
    history.clear();
    history.addAll(c.history());
    IrMetrics.Result[] f = FineTuneHistory.frozen(history);
    frozenDev = f[0];
    frozenTest = f[1];
  }

  FineTuneCheckpoint checkpoint() {
    List<float[]> w = new ArrayList<>();
    for (Parameter p : encoder.parameters()) {
      w.add(p.getArray().toFloatArray());
    }
    return new FineTuneCheckpoint(step, w, optimizer.state(), pool, trainOn, List.copyOf(history),
        queue == null ? new int[0] : queue.rows(), queue == null ? new float[0] : queue.embeddings().data());
  }

  /** Whether steps remain. */
  boolean hasNext() {
    return step < totalSteps;
  }

  /** Epoch (0-based) and batch of step {@code s}. */
  private int[] locate(long s) {
    long k = s;
    for (int e = 0; e < plan.size(); e++) {
      if (k < plan.get(e).size()) {
        return new int[] {e, (int) k};
      }
      k -= plan.get(e).size();
    }
    throw new IllegalStateException("step " + s + " is past the plan");
  }

  /** Whether the step just taken ended an epoch (or the run). */
  boolean atEpochEnd() {
    return step == totalSteps || locate(step)[1] == 0;
  }

  /** The epoch (1-based) of the last step taken. */
  int epochOfLastStep() {
    return locate(step - 1)[0] + 1;
  }

  /** Takes one optimizer step. */
  FineTuneListener.StepRecord next() {
    if (refresh != null && refresh.done()) {
      pool = refresh.take();
      listener.onMessage("step " + step + ": hard negatives re-mined with the weights of step " + refresh.snapshotStep());
      record("{\"pool_refresh\": " + step + ", \"snapshot_step\": " + refresh.snapshotStep() + "}");
      refresh = null;
    }
    int refreshEvery = config.negatives().refreshEvery();
    if (refreshEvery > 0 && step > 0 && step % refreshEvery == 0 && refresh == null && config.negatives().perQuery() > 0) {
      // ranks must install new candidates at the same step: a data-parallel run re-mines inline
      if (config.negatives().refreshInline() || collective.worldSize() > 1) {
        listener.onPhase("step " + step + ": re-mining hard negatives with the current weights");
        pool = mine(encoder.encode(corpusTexts(), Role.DOCUMENT, config.maxLength()), encoder, false);
        record("{\"pool_refresh\": " + step + ", \"snapshot_step\": " + step + "}");
      } else {
        refresh = PoolRefresh.start(this, encoder, step);
      }
    }
    long t0 = System.nanoTime();
    int[] at = locate(step);
    List<BatchPlan.Row> rows = plan.get(at[0]).get(at[1]);
    if (dynamic != null) {
      dynamic.refresh(step);
    }
    StepBatch batch = batchOf(step);
    TorchRuntime.engine().setRandomSeed((int) (config.seed() * 1_000_003L + step));
    LossStep.Result result = lossStep.run(encoder, batch);
    if (queue != null) {
      queue.add(batch.docRows(), result.docEmbeddings());
    }
    double lossValue = result.loss();
    long tokens = result.tokens();
    double lr = config.schedule().learningRateAt(step, totalSteps);
    double norm = optimizer.step(lr);
    if (!Double.isFinite(norm)) {
      skipped++;
      listener.onMessage("step " + (step + 1) + ": the loss is " + lossValue + " and the gradient norm " + norm
          + "; the update was skipped (" + skipped
          + " so far; queries " + rows.stream().map(r -> queries.ids().get(r.query())).limit(8).toList() + "...)");
      if (skipped > MAX_SKIPPED) {
        throw new IllegalStateException("more than " + MAX_SKIPPED + " steps had a non-finite gradient; lower --lr?");
      }
    }
    step++;
    FineTuneListener.StepRecord rec = new FineTuneListener.StepRecord(step, at[0] + 1, lossValue, lr, norm, tokens,
        (System.nanoTime() - t0) / 1e9, batch.guideMasked());
    record(rec.toJson());
    if (dynamic != null && (step % 10 == 0 || step == totalSteps)) {
      record(dynamic.statsLine(step));
    }
    return rec;
  }

  /**
   * The step's inputs: the rows' query texts, their positives, then per slot {@code j} and query
   * {@code i} the negative its source gives (mined candidates unless a mix says otherwise; an
   * {@code in-batch} slot adds no column), then the queue's documents as constant columns, the
   * mask of judged positives over all columns and, with a guide model, its scores of every
   * (query, column) and (MNRL) the false negatives it masks too. Without a mix or a queue this is
   * the layout and the random stream of every earlier version (column {@code b + j * b + i}).
   */
  private StepBatch assemble(List<BatchPlan.Row> rows, long s, SplittableRandom rnd) {
    int b = rows.size();
    int h = config.negatives().perQuery();
    MixPlan mix = slotSources == null || h == 0 ? null : slotSources.plan(b, h, s);
    List<String> qTexts = new ArrayList<>(b);
    for (BatchPlan.Row r : rows) {
      qTexts.add(queries.texts().get(r.query()));
    }
    int[][] drawn = dynamic == null || h == 0 ? null : dynamic.draw(rows, qTexts, h, s);
    int[][] perQuery = new int[b][];
    int live = b;
    for (int i = 0; i < b; i++) {
      int q = rows.get(i).query();
      perQuery[i] = mix != null ? slots.mixed(q, pool[q], drawn == null ? null : drawn[i], mix, i, rnd)
          : slots.pick(q, drawn == null ? pool[q] : drawn[i], h, rnd);
      live += perQuery[i].length;
    }
    int[] docRows = new int[live];
    int c = 0;
    for (int i = 0; i < b; i++) {
      docRows[c++] = rows.get(i).positive();
    }
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < b; i++) {
        if (j < perQuery[i].length) {
          docRows[c++] = perQuery[i][j];
        }
      }
    }
    int[] queued = queue == null ? new int[0] : queue.rows();
    int width = live + queued.length;
    boolean[] masked = new boolean[b * width];
    for (int i = 0; i < b; i++) {
      int q = rows.get(i).query();
      for (int k = 0; k < width; k++) {
        int d = k < live ? docRows[k] : queued[k - live];
        masked[i * width + k] = k != i && queries.isPositive(q, d);
      }
    }
    float[] teacher = null;
    FineTuneListener.MaskCounts guideMasked = null;
    if (config.loss().guide() != null) {
      // the guide scores every column, the queue's included (its rows are corpus rows too)
      int[] all = java.util.Arrays.copyOf(docRows, width);
      System.arraycopy(queued, 0, all, live, queued.length);
      teacher = guide().scores(rows.stream().mapToInt(BatchPlan.Row::query).toArray(), all);
      if (config.loss().kind() == FineTuneConfig.Kind.MNRL) {
        guideMasked = guide().apply(teacher, b, masked);
      }
    }
    List<String> dTexts = new ArrayList<>(docRows.length);
    for (int d : docRows) {
      dTexts.add(data.corpus().get(d).embeddingText());
    }
    FloatMatrix constants = queue == null ? FloatMatrix.zeros(0, encoder.dimension()) : queue.embeddings();
    return new StepBatch(qTexts, dTexts, docRows, constants, masked, teacher, guideMasked);
  }

  /** The guide model's embeddings, taken on first use (null without a guide). */
  private GuideModel guide() {
    if (guide == null && config.loss().guide() != null) {
      guide = GuideModel.embed(config.loss().guide(), queries.texts(), corpusTexts(), config.maxLength(), listener::onPhase);
    }
    return guide;
  }

  /** The batch of step {@code s} (0-based): a function of the seed, the step, the candidates and the queue. */
  StepBatch batchOf(long s) {
    int[] at = locate(s);
    return assemble(plan.get(at[0]).get(at[1]), s, new SplittableRandom(config.seed() * 0x2545F4914F6CDD1DL + s));
  }

  /**
   * Validation with the current weights: embeds the corpus once, scores the dev judgments (null
   * when there are none) and, when {@code withTest}, the test split too.
   *
   * @return {dev, test}, either may be null
   */
  IrMetrics.Result[] evaluateNow(boolean withTest) {
    listener.onPhase("embedding " + data.corpus().size() + " documents for validation");
    FloatMatrix docs = encoder.encode(corpusTexts(), Role.DOCUMENT, config.maxLength());
    IrMetrics.Result dev = evaluate(queries.devQrels(), docs);
    IrMetrics.Result test = withTest && data.splits().contains("test")
        ? RetrievalEvaluation.evaluate(data, data.qrels("test"), t -> encoder.encode(t, Role.QUERY, config.maxLength()), docs) : null;
    return new IrMetrics.Result[] {dev, test};
  }

  private IrMetrics.Result evaluate(Map<String, Map<String, Integer>> qrels, FloatMatrix docs) {
    if (qrels.isEmpty()) {
      return null;
    }
    return RetrievalEvaluation.evaluate(data, qrels, t -> encoder.encode(t, Role.QUERY, config.maxLength()), docs);
  }

  /** The corpus as the encoder embeds it (title + " " + text), in corpus order. */
  List<String> corpusTexts() {
    return data.corpus().stream().map(d -> d.embeddingText()).toList();
  }

  void record(String jsonLine) {
    history.add(jsonLine);
  }

  /** Stops a refresh in flight (the run ends or fails). */
  void stopRefresh() {
    if (refresh != null) {
      refresh.cancel();
      refresh = null;
    }
  }

  FineTuneConfig config() {
    return config;
  }

  static String json(String s) {
    return dev.negmine.core.io.Json.write(s);
  }
}
