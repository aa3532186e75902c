package dev.negmine.train;

import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;

/**
 * Makes miners by preset name; the trainer takes one so it depends on the miner API only (the CLI
 * passes {@code Miners::create}). Must be thread-safe.
 */
@FunctionalInterface
public interface MinerFactory {
  /** @throws IllegalArgumentException for an unknown preset */
  Miner create(String preset, MinerConfig config);
}
