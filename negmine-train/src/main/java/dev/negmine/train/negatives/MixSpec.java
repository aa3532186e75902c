package dev.negmine.train.negatives;

import dev.negmine.core.mixer.Curriculum;
import dev.negmine.core.mixer.MixRatios;
import dev.negmine.core.mixer.NegativeSource;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses source shares written as {@code random=0.3,in-batch=0.5,offline=0.2} (names: random,
 * in-batch, queue, offline, dynamic; shares are normalised to sum to 1).
 */
public final class MixSpec {
  private MixSpec() {}

  /** @throws IllegalArgumentException naming the bad entry */
  public static MixRatios parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("a source mix must be set, e.g. random=0.3,in-batch=0.5,offline=0.2");
    }
    Map<NegativeSource, Double> m = new EnumMap<>(NegativeSource.class);
    double sum = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2) {
        throw new IllegalArgumentException("source mix entry '" + part.trim() + "' is not NAME=SHARE (in " + spec + ")");
      }
      NegativeSource s = source(kv[0].trim());
      double v;
      try {
        v = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("source mix share '" + kv[1].trim() + "' of " + kv[0].trim() + " is not a number");
      }
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("source mix share of " + kv[0].trim() + " must be finite and >= 0, got " + v);
      }
      m.merge(s, v, Double::sum);
      sum += v;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("source mix shares sum to 0 in " + spec);
    }
    double total = sum;
    m.replaceAll((k, v) -> v / total);
    return new MixRatios(m);
  }

  /** The curriculum from {@code from} to {@code to}, ramped linearly over {@code rampSteps} steps. */
  public static Curriculum curriculum(String from, String to, long rampSteps) {
    MixRatios a = parse(from);
    MixRatios b = parse(to);
    return a.equals(b) ? Curriculum.constant(a) : Curriculum.linear(a, b, 0, Math.max(1, rampSteps));
  }

  static NegativeSource source(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "random" -> NegativeSource.RANDOM;
      case "in-batch", "inbatch", "batch" -> NegativeSource.IN_BATCH;
      case "queue" -> NegativeSource.QUEUE;
      case "offline", "pool" -> NegativeSource.OFFLINE;
      case "dynamic", "tree" -> NegativeSource.DYNAMIC;
      default -> throw new IllegalArgumentException("unknown negative source '" + name + "' (expected random, in-batch, queue, offline or dynamic)");
    };
  }

  /** The CLI / JSON name of a source. */
  public static String name(NegativeSource s) {
    return switch (s) {
      case RANDOM -> "random";
      case IN_BATCH -> "in-batch";
      case QUEUE -> "queue";
      case OFFLINE -> "offline";
      case DYNAMIC -> "dynamic";
    };
  }

  static boolean uses(MixRatios r, NegativeSource s) {
    return r.share(s) > 0;
  }
}
