package dev.negmine.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Json;
import dev.negmine.core.io.NegmineFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolTest {
  @TempDir Path dir;

  /** A settable clock, as Caffeine's FakeTicker. */
  static final class FakeClock implements InstantSource {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  /** Anchors 0..a-1 (label id%5), each with `per` candidates of another label; scores shifted by `shift`. */
  static CandidatePool pool(int a, int per, float shift, Instant created, Duration ttl) {
    long[] ids = new long[a];
    long[] labels = new long[a];
    long[] pos = new long[a];
    float[] ps = new float[a];
    int[] off = new int[a + 1];
    long[] cid = new long[a * per];
    long[] cl = new long[a * per];
    float[] cs = new float[a * per];
    for (int i = 0; i < a; i++) {
      ids[i] = i;
      labels[i] = i % 5;
      pos[i] = (i + 5) % a;
      ps[i] = 0.9f;
      off[i + 1] = off[i] + per;
      for (int r = 0; r < per; r++) {
        int s = i * per + r;
        cid[s] = 1000 + (i + r + 1) % a;
        cl[s] = (labels[i] + 1 + r % 4) % 5;
        cs[s] = 0.8f - 0.01f * r + shift;
      }
    }
    PoolManifest m = new PoolManifest(PoolFiles.FORMAT_VERSION, new PoolManifest.Lifetime(created, created.plus(ttl)),
        Map.of("embeddings_sha256", "abc"), Map.of("kind", "exact"), Map.of("top", per),
        Map.of("anchors", a, "candidates", a * per), 1.0, null);
    return new CandidatePool(m, ids, labels, pos, ps, off, cid, cl, cs);
  }

  @Test
  void roundTripsThroughDisk() throws IOException {
    CandidatePool p = pool(20, 7, 0, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(48));
    PoolManifest written = PoolFiles.write(dir.resolve("p"), p);
    CandidatePool back = PoolFiles.read(dir.resolve("p"));
    assertTrue(back.sameContents(p));
    assertEquals(Json.write(PoolFiles.toJson(written)), Json.write(PoolFiles.toJson(back.manifest())));
    assertEquals(Instant.parse("2026-01-03T00:00:00Z"), back.manifest().expiresAt());
    assertEquals("exact", back.manifest().index().get("kind"));
  }

  @Test
  void corruptOrForeignPoolsAreRefusedWithOneLine() throws IOException {
    Path p = dir.resolve("p");
    PoolFiles.write(p, pool(10, 4, 0, Instant.EPOCH, Duration.ofHours(1)));
    Path bin = p.resolve(PoolFiles.BINARY);
    byte[] good = Files.readAllBytes(bin);

    byte[] flipped = good.clone();
    flipped[flipped.length - 3] ^= 1;
    Files.write(bin, flipped);
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "checksum");

    Files.write(bin, java.util.Arrays.copyOf(good, good.length - 8));
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "checksum");

    byte[] foreign = good.clone();
    foreign[0] = 'X';
    Files.write(bin, foreign);
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "bad magic");

    Files.write(bin, good);
    Files.writeString(p.resolve(PoolFiles.MANIFEST), "{\"format\": \"something-else\"}");
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "not a negmine pool");

    Files.writeString(p.resolve(PoolFiles.MANIFEST), "{\"format\": \"negmine-pool\", ");
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "malformed");

    Files.delete(p.resolve(PoolFiles.MANIFEST));
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(p)), "missing");
    assertOneLine(assertThrows(NegmineFormatException.class, () -> PoolFiles.read(dir.resolve("nope"))), "no such");
  }

  private static void assertOneLine(Exception e, String fragment) {
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void samplerDrawsDistinctSeededCandidates() {
    CandidatePool p = pool(30, 10, 0, Instant.EPOCH, Duration.ofHours(1));
    PoolSampler s = new PoolSampler(p, 4, 7);
    long[][] a = s.sample(new long[] {0, 1, 2, 999}, 5);
    long[][] b = new PoolSampler(p, 4, 7).sample(new long[] {0, 1, 2, 999}, 5);
    for (int i = 0; i < 3; i++) {
      assertEquals(4, a[i].length);
      Set<Long> seen = new HashSet<>();
      for (long c : a[i]) {
        assertTrue(seen.add(c), "no repeats within an anchor's draw");
        boolean member = false;
        for (int r = 0; r < p.count(i); r++) {
          member |= p.candidateId(i, r) == c;
        }
        assertTrue(member);
      }
      assertEquals(java.util.Arrays.toString(a[i]), java.util.Arrays.toString(b[i]), "seeded");
    }
    assertEquals(0, a[3].length, "unknown anchor");
    CandidatePool small = pool(5, 2, 0, Instant.EPOCH, Duration.ofHours(1));
    assertEquals(2, new PoolSampler(small, 4, 1).sampleOne(0, 0).length);
  }

  @Test
  void expiryPoliciesWithAFakeClock() throws Exception {
    FakeClock clock = new FakeClock();
    CandidatePool first = pool(10, 3, 0, clock.instant(), Duration.ofHours(48));
    AtomicInteger mined = new AtomicInteger();
    ManagedPool.PoolSource source = () -> {
      mined.incrementAndGet();
      return pool(10, 3, 0.05f, clock.instant(), Duration.ofHours(48));
    };

    ManagedPool fail = ManagedPool.builder(first, source).policy(ExpiryPolicy.FAIL).clock(clock).build();
    clock.advance(Duration.ofHours(47));
    assertSame(first, fail.sampler(1).pool());
    clock.advance(Duration.ofHours(1));
    assertThrows(PoolExpiredException.class, () -> fail.sampler(2));

    ManagedPool warn = ManagedPool.builder(first, source).policy(ExpiryPolicy.WARN).clock(clock).build();
    assertSame(first, warn.sampler(3).pool());

    ManagedPool refresh = ManagedPool.builder(first, source).policy(ExpiryPolicy.REFRESH).clock(clock).build();
    CandidatePool fresh = refresh.sampler(4).pool();
    assertNotSame(first, fresh);
    assertEquals(1, mined.get());
    assertEquals(1, refresh.refreshes().size());
    Staleness st = refresh.refreshes().get(0).staleness();
    assertEquals(1.0, st.overlap(), 1e-12);
    assertEquals(Duration.ofHours(48), st.age());
    assertSame(fresh, refresh.sampler(5).pool(), "a fresh pool is not re-mined");
    assertEquals(1, mined.get());
  }

  /** Training keeps sampling while the background thread re-mines; it never waits and never sees a torn pool. */
  @Test
  void backgroundRefreshRacesWithSampling() throws Exception {
    FakeClock clock = new FakeClock();
    CandidatePool first = pool(50, 6, 0, clock.instant(), Duration.ofHours(1));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger mined = new AtomicInteger();
    ManagedPool.PoolSource slow = () -> {
      release.await();
      mined.incrementAndGet();
      return pool(50, 6, 0.1f, clock.instant(), Duration.ofHours(1));
    };
    try (ManagedPool mp = ManagedPool.builder(first, slow).policy(ExpiryPolicy.BACKGROUND).clock(clock)
        .perAnchor(3).build()) {
      clock.advance(Duration.ofHours(2));
      AtomicReference<String> failure = new AtomicReference<>();
      Thread trainer = new Thread(() -> {
        for (long step = 0; step < 20_000; step++) {
          PoolSampler s = mp.sampler(step);
          long[] got = s.sampleOne(step % 50, step);
          if (got.length != 3) {
            failure.set("step " + step + " drew " + got.length);
            return;
          }
          if (step == 100) {
            release.countDown();
          }
        }
      });
      trainer.start();
      trainer.join();
      assertEquals(null, failure.get());
      assertTrue(mp.awaitIdle(Duration.ofSeconds(30)));
      assertTrue(mined.get() >= 1, "the background thread re-mined");
      assertTrue(mp.current().manifest().createdAt().equals(clock.instant()));
      assertTrue(mp.refreshes().size() >= 1);
    }
  }

  @Test
  void spearmanOfAMonotoneMapIsOne() {
    java.util.List<double[]> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pairs.add(new double[] {i, Math.exp(i)});
    }
    assertEquals(1.0, Staleness.spearman(pairs), 1e-12);
    pairs.add(new double[] {3, 3});
    assertEquals("[2.5, 1.0, 2.5, 4.0]", java.util.Arrays.toString(Staleness.ranks(new double[] {5, 1, 5, 7})));
  }
}
