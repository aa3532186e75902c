package dev.negmine.core.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Child JVM of {@link PoolPublishTest}: writes the "new" pool over args[0] (halted by -Dnegmine.crashAt). */
public final class PublishCrashChild {
  private PublishCrashChild() {}

  public static void main(String[] args) throws Exception {
    PoolFiles.write(Path.of(args[0]), PoolPublishTest.newPool());
    System.exit(0);
  }
}
