package dev.negmine.train.run;

import dev.negmine.train.negatives.SourceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's own {@link SourceListener}: keeps the step's source figures and pool events for the
 * metrics file and forwards both to the run's {@link RunListener}. Training thread only.
 */
final class StepSourceStats implements SourceListener {
  private final RunListener forward;
  private Map<String, Object> stats = Map.of();
  private final List<Map<String, Object>> events = new ArrayList<>();

  StepSourceStats(RunListener forward) {
    this.forward = forward;
  }

  @Override
  public void onSourceStats(long step, Map<String, Object> s) {
    stats = s;
    forward.onSourceStats(step, s);
  }

  @Override
  public void onPoolRefresh(Map<String, Object> event) {
    events.add(event);
    forward.onPoolRefresh(event);
  }

  /** The last step's figures (empty without sources), cleared. */
  Map<String, Object> take() {
    Map<String, Object> s = stats;
    stats = Map.of();
    return s;
  }

  /** Pool events since the last call, cleared. */
  List<Map<String, Object>> takeEvents() {
    List<Map<String, Object>> out = new ArrayList<>(events);
    events.clear();
    return out;
  }
}
