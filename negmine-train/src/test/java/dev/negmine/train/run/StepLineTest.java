package dev.negmine.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.negmine.train.monitor.BatchStats;
import dev.negmine.train.step.ReplicaExecution;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code metrics.jsonl} step line is a file format: its keys, order and number forms are fixed. */
class StepLineTest {
  static BatchStats stats(double activeFraction) {
    return new BatchStats(12, 3, "semi-hard", 64, 0.125, new BatchStats.Figures(0.25, 17, activeFraction, 0.1, 7.5));
  }

  @Test
  void stepLineKeepsItsFormat() {
    assertEquals("{\"step\":12,\"epoch\":3,\"miner\":\"semi-hard\",\"batchSize\":64,\"loss\":0.125,\"hardestLoss\":0.25,"
        + "\"tuples\":17,\"activeFraction\":0.5,\"meanCosine\":0.1,\"effectiveRank\":7.5,\"type\":\"step\"}",
        TrainingRun.stepLine(stats(0.5), Map.of(), null));
  }

  @Test
  void nanAndCommunicationAndSources() {
    Map<String, Object> sources = new LinkedHashMap<>();
    sources.put("queue", Map.of("count", 3));
    assertEquals("{\"step\":12,\"epoch\":3,\"miner\":\"semi-hard\",\"batchSize\":64,\"loss\":0.125,\"hardestLoss\":0.25,"
        + "\"tuples\":17,\"activeFraction\":NaN,\"meanCosine\":0.1,\"effectiveRank\":7.5,\"type\":\"step\",\"world_size\":2,"
        + "\"compute_seconds\":1.5,\"comm_seconds\":0.25,\"comm_bytes\":4096,\"queue\":{\"count\":3}}",
        TrainingRun.stepLine(stats(Double.NaN), sources, new ReplicaExecution.StepComm(1.5, 0.25, 4096, 2)));
  }
}
