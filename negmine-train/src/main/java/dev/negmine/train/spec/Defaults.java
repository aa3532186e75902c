package dev.negmine.train.spec;

import java.util.Locale;

/**
 * The defaults of a run, in one place, and why. Applied by {@link RunSpec.Builder#build()} to
 * every value the user left unset.
 */
public final class Defaults {
  /** Epochs of an image run. */
  public static final int EPOCHS = 10;
  /** Adam's learning rate of an image run. */
  public static final double LEARNING_RATE = 0.003;
  /** InfoNCE temperature. */
  public static final double TEMPERATURE = 0.05;
  /**
   * simclr's own: measured on the held-out protocol (3 seeds, docs/benchmarks.md), temperature 0.5
   * and lr 0.0005 beat raw pixels on every seed; temperature 0.1 did not, and lr 0.003 fell below raw.
   */
  public static final double SIMCLR_TEMPERATURE = 0.5;
  public static final double SIMCLR_LEARNING_RATE = 0.0005;
  /** Built-in text tasks (the WordNet table in docs/text.md): batch-hard, lr 0.0003, 3 epochs. */
  public static final String TASK_RECIPE = "batch-hard";
  public static final int TASK_EPOCHS = 3;
  public static final double TASK_LEARNING_RATE = 0.0003;
  /** Items per class in a batch: 16 for images; text pairs have two. */
  public static final int M_PER_CLASS = 16;
  public static final int TEXT_M_PER_CLASS = 2;
  public static final int BATCH = 160;
  public static final double MARGIN = 0.2;
  public static final int EMBEDDING_SIZE = 64;
  public static final double VAL_FRACTION = 0.05;
  /**
   * Channels of the default CNN's two conv stages. Measured on Fashion-MNIST (facenet, 10 epochs,
   * MAP@R / P@1 on 10k train-split items): 8/16 channels 0.705 / 0.854, 16/32 channels 0.725 /
   * 0.865 for about 1.4x the step time.
   */
  public static final int[] CNN_CHANNELS = {16, 32};
  /** Hidden units of the residual adapter head on a frozen text encoder. */
  public static final int ADAPTER_HIDDEN = 384;

  private Defaults() {}

  /** The learning rate unless given: per built-in text task, per recipe (simclr), else the default. */
  public static double learningRate(Double given, String recipe, boolean task) {
    return given != null ? given : task ? TASK_LEARNING_RATE
        : "simclr".equalsIgnoreCase(recipe) ? SIMCLR_LEARNING_RATE : LEARNING_RATE;
  }

  /** The InfoNCE temperature unless given: simclr's own, else the default. */
  public static double temperature(Double given, String recipe) {
    return given != null ? given : "simclr".equalsIgnoreCase(recipe) ? SIMCLR_TEMPERATURE : TEMPERATURE;
  }

  static void apply(RunSpec r) {
    boolean text = r.isText();
    boolean task = r.task() != null;
    String recipe = (r.recipe() != null ? r.recipe() : task ? TASK_RECIPE : "facenet").trim().toLowerCase(Locale.ROOT);
    String encoder = r.encoder() == null ? (text ? "adapter" : "cnn") : r.encoder().trim().toLowerCase(Locale.ROOT);
    if (text && !encoder.equals("adapter")) {
      throw new IllegalArgumentException("--encoder " + r.encoder() + ": text data trains the adapter (a head over the frozen "
          + "text encoder); drop --encoder or give adapter");
    }
    r.defaults(recipe, encoder, r.epochsOrNull() != null ? r.epochsOrNull() : task ? TASK_EPOCHS : EPOCHS,
        r.mPerClassOrNull() != null ? r.mPerClassOrNull() : text ? TEXT_M_PER_CLASS : M_PER_CLASS,
        temperature(r.temperatureOrNull(), recipe), learningRate(r.learningRateOrNull(), recipe, task));
    r.plainDefaults(or(r.batchOrNull(), BATCH), r.reduction() != null ? r.reduction() : "active-mean",
        or(r.marginOrNull(), MARGIN), or(r.embeddingSizeOrNull(), EMBEDDING_SIZE), or(r.seedOrNull(), 1L),
        or(r.valFractionOrNull(), VAL_FRACTION), or(r.checkpointEveryOrNull(), 0));
  }

  private static <T> T or(T v, T fallback) {
    return v != null ? v : fallback;
  }
}
