package dev.negmine.train.spec;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Everything a user chooses about a training run, as given (paths as strings, presets by name),
 * with the defaults applied and every value validated once, at {@link Builder#build()}. The
 * {@link SpecResolver} turns it into the engine's {@link dev.negmine.train.TrainConfig} for the
 * data at hand; {@link Runs} trains, evaluates and saves it in one call. The CLI maps its flags to
 * the builder and nothing more. Saved as {@code cli.json} in the run directory so that a resume
 * rebuilds exactly the same job (the file name predates the library spec; old runs stay
 * resumable). Immutable.
 */
public final class RunSpec {
  /** The file a run directory keeps its spec in. */
  public static final String FILE = "cli.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private String data;
  private String labels;
  private String evalData;
  private String evalLabels;
  private String recipe;
  private String encoder;
  private Integer epochs;
  private Integer batch;
  private Integer mPerClass;
  private String miner;
  private String loss;
  private String reduction;
  private Double margin;
  private Double temperature;
  private Double learningRate;
  private Integer embeddingSize;
  private Long seed;
  private Double valFraction;
  private Integer checkpointEvery;
  private Integer queue;
  private Integer queueWarmup;
  private Double momentum;
  private String queueMining;
  private String pool;
  private Integer poolPerAnchor;
  private String poolExpiry;
  private Long poolRefreshEvery;
  private Integer poolTop;
  private String poolTtl;
  private String mix;
  private String mixTo;
  private Integer slots;
  private String task;
  private String textEncoder;
  private Integer maxBadLines;
  private String negatives;
  private Integer dynamicLandmarks;
  private String extraGradients;
  private String augment;
  private String groups;
  private String stratify;
  private Boolean tier;
  private String synthetic;

  private RunSpec() {}

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this spec's values (e.g. the same run with another seed). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.s = copy();
    return b;
  }

  /** Training data: a directory, an *images-idx3-ubyte[.gz] file, a .npy (with labels), or text (.jsonl / .tsv); null = the bundled Fashion-MNIST t10k (null: unset). */
  public String data() { return data; }

  /** Labels .npy for .npy features (null: unset). */
  public String labels() { return labels; }

  /** Evaluation data (same forms); null = a seeded validation split of the data (null: unset). */
  public String evalData() { return evalData; }

  /** Labels .npy for .npy evaluation features (null: unset). */
  public String evalLabels() { return evalLabels; }

  /** A named preset (see Recipes): facenet (default), batch-hard, pinterest, spotify, moco, simclr... (null: unset). */
  public String recipe() { return recipe; }

  /** Mlp, cnn or adapter (null: unset). */
  public String encoder() { return encoder; }

  /** Epochs. */
  public int epochs() { return epochs; }

  /** Base batch size. */
  public int batch() { return batch; }

  /** Items per class in a batch; 0 = plain shuffling. */
  public int mPerClass() { return mPerClass; }

  /** Miner preset for every phase (overrides the recipe's) (null: unset). */
  public String miner() { return miner; }

  /** Triplet, soft-triplet, contrastive or infonce (null: the recipe's) (null: unset). */
  public String loss() { return loss; }

  /** Active-mean or mean (null: unset). */
  public String reduction() { return reduction; }

  /** Triplet margin. */
  public double margin() { return margin; }

  /** InfoNCE temperature. */
  public double temperature() { return temperature; }

  /** Adam learning rate. */
  public double learningRate() { return learningRate; }

  /** Embedding dimension. */
  public int embeddingSize() { return embeddingSize; }

  /** Seed of everything. */
  public long seed() { return seed; }

  /** Validation fraction without evalData. */
  public double valFraction() { return valFraction; }

  /** Also checkpoint every N steps (0: epoch ends only). */
  public int checkpointEvery() { return checkpointEvery; }

  /** Memory queue rows; null = none (null: unset). */
  public Integer queue() { return queue; }

  /** Rows enqueued before the queue serves (null: unset). */
  public Integer queueWarmup() { return queueWarmup; }

  /** EMA factor of a momentum key encoder (null: unset). */
  public Double momentum() { return momentum; }
  /** How the queue picks negatives: hardest (cross-batch memory, the default for a plain queue) or band (MoCo-style; the moco recipe) (null: unset). */
  public String queueMining() { return queueMining; }

  /** Offline candidate pool directory (null: unset). */
  public String pool() { return pool; }

  /** Pool candidates drawn per anchor per step (null: unset). */
  public Integer poolPerAnchor() { return poolPerAnchor; }

  /** Fail, warn, refresh or background (null: unset). */
  public String poolExpiry() { return poolExpiry; }

  /** Re-mine the pool every N steps (null: unset). */
  public Long poolRefreshEvery() { return poolRefreshEvery; }

  /** Candidates per anchor in pools the trainer mines (null: unset). */
  public Integer poolTop() { return poolTop; }

  /** Time-to-live of pools the trainer mines (48h, 90m, 2d, PT48H) (null: unset). */
  public String poolTtl() { return poolTtl; }

  /** Negative sources per anchor, e.g. random=0.3,in-batch=0.5,offline=0.2 (null: unset). */
  public String mix() { return mix; }

  /** The mix at the end of the ramp (null: unset). */
  public String mixTo() { return mixTo; }

  /** Negatives per anchor with a mix (null: unset). */
  public Integer slots() { return slots; }

  /** A built-in text task instead of data: wordnet[:N] or wordnet-gloss[:N] (null: unset). */
  public String task() { return task; }

  /** Frozen text encoder for text data (null: unset). */
  public String textEncoder() { return textEncoder; }

  /** Malformed text lines skipped before the run fails (null: unset). */
  public Integer maxBadLines() { return maxBadLines; }

  /** Batch or dynamic (null: unset). */
  public String negatives() { return negatives; }

  /** Items re-embedded per step for the dynamic index (null: unset). */
  public Integer dynamicLandmarks() { return dynamicLandmarks; }

  /** None or full: whether random and offline negatives get gradients (null: unset). */
  public String extraGradients() { return extraGradients; }

  /** Augmented image views, e.g. pad=4,flip=all (null: unset). */
  public String augment() { return augment; }

  /** Coarse group per label: fashion-mnist or a file (null: unset). */
  public String groups() { return groups; }

  /** Stratified batches CLASSES[/FROM_GROUP] or siblings (null: unset). */
  public String stratify() { return stratify; }

  /** Stratify the memory queue's negatives by coarse group (null: unset). */
  public Boolean tier() { return tier; }

  /** Synthetic hard negatives (MoCHi) settings (null: unset). */
  public String synthetic() { return synthetic; }


  // raw (possibly unset) values, for Defaults
  Integer epochsOrNull() { return epochs; }
  Integer mPerClassOrNull() { return mPerClass; }
  Double temperatureOrNull() { return temperature; }
  Double learningRateOrNull() { return learningRate; }
  Integer batchOrNull() { return batch; }
  Double marginOrNull() { return margin; }
  Integer embeddingSizeOrNull() { return embeddingSize; }
  Long seedOrNull() { return seed; }
  Double valFractionOrNull() { return valFraction; }
  Integer checkpointEveryOrNull() { return checkpointEvery; }

  /** Whether the run reads text: a built-in task, or a .jsonl / .tsv data file. */
  public boolean isText() {
    return isText(task, data);
  }

  /** Whether a job with this task and data reads text: a task, or a .jsonl / .tsv file. */
  public static boolean isText(String task, String data) {
    if (task != null) {
      return true;
    }
    if (data == null) {
      return false;
    }
    String n = data.toLowerCase(Locale.ROOT);
    return n.endsWith(".jsonl") || n.endsWith(".tsv");
  }

  /** Writes {@link #FILE} into {@code runDir} (created if needed). */
  public void save(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    dev.negmine.train.run.RunFiles.writeString(runDir.resolve(FILE), GSON.toJson(this));
  }

  /** Reads a run directory's spec; bad or missing files are refused with the path in the message. */
  public static RunSpec load(Path runDir) throws IOException {
    Path f = runDir.resolve(FILE);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": it is not a negmine training run (no " + FILE + ")");
    }
    RunSpec s;
    try {
      s = GSON.fromJson(Files.readString(f), RunSpec.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": " + FILE + " is corrupt", e);
    }
    if (s == null) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": " + FILE + " is empty");
    }
    return s.toBuilder().build();
  }

  private RunSpec copy() {
    return GSON.fromJson(GSON.toJson(this), RunSpec.class);
  }

  @Override
  public String toString() {
    return GSON.toJson(this);
  }

  /**
   * Sets what the run asks for; unset values take their defaults at {@link #build()}, which
   * validates everything once (one message naming the option and the value). Not thread-safe.
   */
  public static final class Builder {
    private RunSpec s = new RunSpec();

    private Builder() {}

    public Builder data(String v) { s.data = v; return this; }

    public Builder labels(String v) { s.labels = v; return this; }

    public Builder evalData(String v) { s.evalData = v; return this; }

    public Builder evalLabels(String v) { s.evalLabels = v; return this; }

    public Builder recipe(String v) { s.recipe = v; return this; }

    public Builder encoder(String v) { s.encoder = v; return this; }

    public Builder epochs(Integer v) { s.epochs = v; return this; }

    public Builder batch(Integer v) { s.batch = v; return this; }

    public Builder mPerClass(Integer v) { s.mPerClass = v; return this; }

    public Builder miner(String v) { s.miner = v; return this; }

    public Builder loss(String v) { s.loss = v; return this; }

    public Builder reduction(String v) { s.reduction = v; return this; }

    public Builder margin(Double v) { s.margin = v; return this; }

    public Builder temperature(Double v) { s.temperature = v; return this; }

    public Builder learningRate(Double v) { s.learningRate = v; return this; }

    public Builder embeddingSize(Integer v) { s.embeddingSize = v; return this; }

    public Builder seed(Long v) { s.seed = v; return this; }

    public Builder valFraction(Double v) { s.valFraction = v; return this; }

    public Builder checkpointEvery(Integer v) { s.checkpointEvery = v; return this; }

    public Builder queue(Integer v) { s.queue = v; return this; }

    public Builder queueWarmup(Integer v) { s.queueWarmup = v; return this; }

    public Builder momentum(Double v) { s.momentum = v; return this; }
    public Builder queueMining(String v) { s.queueMining = v; return this; }

    public Builder pool(String v) { s.pool = v; return this; }

    public Builder poolPerAnchor(Integer v) { s.poolPerAnchor = v; return this; }

    public Builder poolExpiry(String v) { s.poolExpiry = v; return this; }

    public Builder poolRefreshEvery(Long v) { s.poolRefreshEvery = v; return this; }

    public Builder poolTop(Integer v) { s.poolTop = v; return this; }

    public Builder poolTtl(String v) { s.poolTtl = v; return this; }

    public Builder mix(String v) { s.mix = v; return this; }

    public Builder mixTo(String v) { s.mixTo = v; return this; }

    public Builder slots(Integer v) { s.slots = v; return this; }

    public Builder task(String v) { s.task = v; return this; }

    public Builder textEncoder(String v) { s.textEncoder = v; return this; }

    public Builder maxBadLines(Integer v) { s.maxBadLines = v; return this; }

    public Builder negatives(String v) { s.negatives = v; return this; }

    public Builder dynamicLandmarks(Integer v) { s.dynamicLandmarks = v; return this; }

    public Builder extraGradients(String v) { s.extraGradients = v; return this; }

    public Builder augment(String v) { s.augment = v; return this; }

    public Builder groups(String v) { s.groups = v; return this; }

    public Builder stratify(String v) { s.stratify = v; return this; }

    public Builder tier(Boolean v) { s.tier = v; return this; }

    public Builder synthetic(String v) { s.synthetic = v; return this; }

    /** Typed form of {@link #poolTtl(String)}. */
    public Builder poolTtl(java.time.Duration ttl) {
      s.poolTtl = ttl == null ? null : ttl.toString();
      return this;
    }

    /** Typed form of {@link #poolExpiry(String)}. */
    public Builder poolExpiry(dev.negmine.core.pool.ExpiryPolicy policy) {
      s.poolExpiry = policy == null ? null : policy.name().toLowerCase(Locale.ROOT);
      return this;
    }

    /** Typed form of {@link #reduction(String)}. */
    public Builder reduction(dev.negmine.train.loss.Reduction r) {
      s.reduction = r == null ? null : r.name().toLowerCase(Locale.ROOT).replace('_', '-');
      return this;
    }

    /** Path forms of the data options. */
    public Builder data(Path p) {
      return data(p == null ? null : p.toString());
    }

    public Builder evalData(Path p) {
      return evalData(p == null ? null : p.toString());
    }

    /** The spec with defaults applied, validated. */
    public RunSpec build() {
      RunSpec r = s.copy();
      Defaults.apply(r);
      SpecResolver.validate(r);
      return r;
    }
  }

  /** Setters for {@link Defaults}, which fills unset values in place before validation. */
  void defaults(String recipe, String encoder, int epochs, int mPerClass, double temperature, double learningRate) {
    this.recipe = recipe;
    this.encoder = encoder;
    this.epochs = epochs;
    this.mPerClass = mPerClass;
    this.temperature = temperature;
    this.learningRate = learningRate;
  }

  void plainDefaults(int batch, String reduction, double margin, int embeddingSize, long seed, double valFraction,
      int checkpointEvery) {
    this.batch = batch;
    this.reduction = reduction;
    this.margin = margin;
    this.embeddingSize = embeddingSize;
    this.seed = seed;
    this.valFraction = valFraction;
    this.checkpointEvery = checkpointEvery;
  }
}
