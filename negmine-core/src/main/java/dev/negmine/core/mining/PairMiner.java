package dev.negmine.core.mining;

/**
 * A miner whose native output is pairs (PML's "pair miners"): kept positive pairs and kept
 * negative pairs per anchor. {@link #mine(MiningBatch, long)} returns their conversion to
 * triplets ({@link Pairs#toTriplets()}, capped by {@link MinerConfig#maxTriplets()}); pair losses
 * (contrastive, multi-similarity) call {@link #minePairs} instead. Thread-safety as {@link Miner}.
 */
public interface PairMiner extends Miner {
  /** The kept pairs of a batch; not capped by {@link MinerConfig#maxTriplets()}. */
  Pairs minePairs(MiningBatch batch, long step);
}
