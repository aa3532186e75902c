package dev.negmine.spark;

import org.apache.spark.Partitioner;

/**
 * Row ranges to shards: anchor block b (rows [b * blockRows, (b + 1) * blockRows)) goes to shard
 * floor(b * shards / blocks), so shards are contiguous and never split a block.
 */
final class ShardPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int shards;
  private final long blocks;
  private final int blockRows;

  ShardPartitioner(int shards, long rows, int blockRows) {
    this.shards = shards;
    this.blockRows = blockRows;
    this.blocks = Math.max(1, (rows + blockRows - 1) / blockRows);
  }

  @Override
  public int numPartitions() {
    return shards;
  }

  @Override
  public int getPartition(Object key) {
    long block = (Long) key / blockRows;
    return (int) (block * shards / blocks);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardPartitioner p && p.shards == shards && p.blocks == blocks && p.blockRows == blockRows;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(blocks) * 31 + shards;
  }
}
