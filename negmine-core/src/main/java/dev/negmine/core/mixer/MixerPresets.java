package dev.negmine.core.mixer;

import java.util.List;

/**
 * Named source mixes from the field. Ratios only: the miner curriculum of {@code facenet}
 * (semi-hard, then hard) and the queue size of {@code moco} (65,536) are the trainer's settings.
 */
public final class MixerPresets {
  private MixerPresets() {}

  public static List<String> names() {
    return List.of("pinterest", "spotify", "moco", "facenet");
  }

  /**
   * The curriculum of a preset over {@code totalSteps} steps.
   *
   * <ul>
   *   <li>{@code pinterest}: 30% random, 50% in-batch, 20% offline, the offline share rising to
   *       40% (taken from in-batch) over the first half of training;
   *   <li>{@code spotify}: in-batch plus 2 offline per anchor (use 3 slots: 1/3 in-batch, 2/3 offline);
   *   <li>{@code moco}: all negatives from the queue;
   *   <li>{@code facenet}: all in-batch.
   * </ul>
   */
  public static Curriculum curriculum(String name, long totalSteps) {
    return switch (name) {
      case "pinterest" -> Curriculum.linear(MixRatios.of(0.3, 0.5, 0, 0.2), MixRatios.of(0.3, 0.3, 0, 0.4), 0,
          Math.max(1, totalSteps / 2));
      case "spotify" -> Curriculum.constant(MixRatios.of(0, 1.0 / 3, 0, 2.0 / 3));
      case "moco" -> Curriculum.constant(MixRatios.of(0, 0, 1, 0));
      case "facenet" -> Curriculum.constant(MixRatios.of(0, 1, 0, 0));
      default -> throw new IllegalArgumentException("unknown mixer preset '" + name + "' (valid: " + String.join(", ", names()) + ")");
    };
  }
}
