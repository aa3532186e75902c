package dev.negmine.text.finetune;

/**
 * Whether a step's training forwards apply dropout. Training always does ({@link #ON}, as
 * {@code model.train()}); {@link #OFF} keeps the graph but makes the forward deterministic, so two
 * ways of computing one step's gradient can be compared exactly (a test's setting, not a recipe).
 */
enum DropoutMode {
  ON,
  OFF;

  /** The {@code training} argument of {@code TransformerEncoder.forward}: true switches dropout on. */
  boolean training() {
    return this == ON;
  }
}
