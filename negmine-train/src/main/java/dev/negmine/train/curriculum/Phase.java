package dev.negmine.train.curriculum;

/**
 * One stretch of a curriculum.
 *
 * @param startEpoch first epoch (0-based) the phase applies to; it runs until the next phase starts
 * @param miner miner preset name ({@code semihard-band}, {@code batch-hard}, ... or {@code random})
 * @param margin triplet margin (and the miner's band), in L2 distance on the unit sphere
 * @param batchSize items per batch
 * @param lrScale multiplier on the base learning rate
 */
public record Phase(int startEpoch, String miner, double margin, int batchSize, double lrScale) {
  public Phase {
    if (startEpoch < 0) {
      throw new IllegalArgumentException("phase start epoch must be >= 0, got " + startEpoch);
    }
    if (miner == null || miner.isBlank()) {
      throw new IllegalArgumentException("phase miner must be set");
    }
    if (!(margin >= 0) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
    }
    if (batchSize < 2) {
      throw new IllegalArgumentException("batch size must be >= 2, got " + batchSize);
    }
    if (!(lrScale > 0) || !Double.isFinite(lrScale)) {
      throw new IllegalArgumentException("learning-rate scale must be > 0, got " + lrScale);
    }
  }
}
