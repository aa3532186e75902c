package dev.negmine.train.spec;

import dev.negmine.train.curriculum.Recipes;
import dev.negmine.train.negatives.DynamicSource;
import dev.negmine.train.negatives.SourcesConfig;

/** The negative-source part of {@link SpecResolver}: the recipe's sources, then each explicit option. */
final class SourcesFromSpec {
  private SourcesFromSpec() {}

  static SourcesConfig build(RunSpec s, int trainItems) {
    SourcesConfig.Builder b = Recipes.sources(s.recipe(), trainItems, Math.max(1, trainItems / s.batch()));
    boolean dyn = SpecResolver.dynamicNegatives(s);
    String mix = s.mix();
    String mixTo = s.mixTo();
    if (dyn && (mix != null || mixTo != null)) {
      throw new IllegalArgumentException("--negatives dynamic takes every negative from the dynamic index; to mix it with"
          + " other sources use --mix with a dynamic share (e.g. --mix in-batch=0.5,dynamic=0.5) instead");
    }
    boolean any = s.queue() != null || s.pool() != null || mix != null || s.momentum() != null || dyn;
    if (b == null && !any) {
      if (s.queueWarmup() != null || s.queueMining() != null || s.poolPerAnchor() != null || s.poolExpiry() != null || s.poolRefreshEvery() != null
          || s.poolTop() != null || s.poolTtl() != null || mixTo != null || s.slots() != null || s.dynamicLandmarks() != null
          || s.extraGradients() != null) {
        throw new IllegalArgumentException("queue, pool and mix settings need --queue, --pool, --mix or a mixing recipe"
            + " (pinterest, spotify, moco)");
      }
      return null;
    }
    if (b == null) {
      // no recipe sources: a plain queue is cross-batch memory (batch-hard over batch + queue)
      b = SourcesConfig.builder().queueSelection(SourcesConfig.QueueSelection.HARDEST);
      if (dyn) {
        b.mix("dynamic=1");
      } else if (mix == null) {
        b.mix("in-batch=1" + (s.queue() != null && s.queue() > 0 ? ",queue=1" : "") + (s.pool() != null ? ",offline=1" : ""));
      }
    }
    if (mix != null) {
      b.mix(mix).mixTo(mixTo != null ? mixTo : mix);
    } else if (mixTo != null) {
      throw new IllegalArgumentException("--mix-to needs --mix");
    }
    if (s.queue() != null) {
      b.queue(s.queue());
      if (s.queueWarmup() == null) {
        b.queueWarmup(-1);
      }
    }
    if (s.queueMining() != null) {
      b.queueSelection(switch (s.queueMining().trim().toLowerCase(java.util.Locale.ROOT)) {
        case "hardest" -> SourcesConfig.QueueSelection.HARDEST;
        case "band" -> SourcesConfig.QueueSelection.BAND;
        default -> throw new IllegalArgumentException("--queue-mining must be hardest or band, got " + s.queueMining());
      });
    }
    if (s.queueWarmup() != null) {
      b.queueWarmup(s.queueWarmup());
    }
    if (s.momentum() != null) {
      b.momentum(s.momentum());
    }
    if (s.pool() != null) {
      b.pool(s.pool());
    }
    if (s.poolPerAnchor() != null) {
      b.poolPerAnchor(s.poolPerAnchor());
    }
    if (s.poolExpiry() != null) {
      b.poolExpiry(s.poolExpiry());
    }
    if (s.poolRefreshEvery() != null) {
      b.poolRefreshEvery(s.poolRefreshEvery());
    }
    if (s.poolTop() != null) {
      b.poolTop(s.poolTop());
    }
    if (s.poolTtl() != null) {
      b.poolTtl(SpecResolver.duration(s.poolTtl()));
    }
    if (s.extraGradients() != null) {
      b.detachExtras(switch (s.extraGradients().toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> true;
        case "full" -> false;
        default -> throw new IllegalArgumentException("--extra-gradients must be none or full, got " + s.extraGradients());
      });
    }
    if (s.slots() != null) {
      b.slots(s.slots());
    }
    String mixNow = mix != null ? mix : dyn ? "dynamic=1" : null;
    boolean mixDynamic = mixNow != null && (mixNow.contains("dynamic") || mixNow.contains("tree")
        || (mixTo != null && (mixTo.contains("dynamic") || mixTo.contains("tree"))));
    if (s.dynamicLandmarks() != null && !mixDynamic) {
      throw new IllegalArgumentException("--dynamic-landmarks needs --negatives dynamic or a dynamic share in --mix");
    }
    if (mixDynamic) {
      DynamicSource.Config d = DynamicSource.Config.defaults(s.temperature(), dyn && "infonce".equals(SpecResolver.resolvedLoss(s)));
      int lm = s.dynamicLandmarks() != null ? s.dynamicLandmarks() : Math.min(d.landmarks(), Math.max(2, trainItems / 20));
      b.dynamic(new DynamicSource.Config(lm, d.window(), d.refreshEvery(), d.fullEvery(), d.temperature(), d.infoNce()));
    }
    return b.build();
  }
}
