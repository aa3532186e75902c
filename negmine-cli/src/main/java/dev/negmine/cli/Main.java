package dev.negmine.cli;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code negmine} command. */
@Command(
    name = "negmine",
    mixinStandardHelpOptions = true,
    version = "negmine 0.1.0",
    description = "Train embedding models with hard negative mining.",
    subcommands = {
      MineBatchCommand.class,
      MineCommand.class,
      SparkMineCommand.class,
      PoolCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      dev.negmine.cli.train.TrainCommand.class,
      dev.negmine.cli.train.EmbedCommand.class,
      dev.negmine.cli.train.CompareCommand.class,
      dev.negmine.cli.text.ExportCommand.class,
      LaunchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for bad input (files, flags): a one-line message, no stack trace. */
  public static final int EXIT_BAD_INPUT = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 1 failure, 2 bad input). */
  public static int run(String... args) {
    configureLogging();
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    return cl.execute(args);
  }

  /** Keeps held for the JVM's life: java.util.logging holds loggers weakly. */
  private static final Logger NEGMINE_LOG = Logger.getLogger("dev.negmine");

  /**
   * negmine's own log shows warnings (such as a fallback to scalar kernels, with the reason) by
   * default; {@code NEGMINE_LOG=info} (or NEGMINE_DEBUG) also shows which vector backend runs.
   * Errors for the user go through {@link #handle}, one line each.
   */
  private static void configureLogging() {
    String wanted = System.getenv("NEGMINE_LOG");
    Level level = System.getenv("NEGMINE_DEBUG") != null ? Level.FINE : Level.WARNING;
    if (wanted != null) {
      try {
        level = Level.parse(wanted.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        level = Level.INFO;
      }
    }
    NEGMINE_LOG.setLevel(level);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Turns exceptions into one line on stderr ({@link Failures}): what the user can fix exits 2,
   * negmine's own bugs exit 1 and say so; the stack trace only when NEGMINE_DEBUG is set.
   */
  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Failures.Report r = Failures.of(e);
    boolean debug = System.getenv("NEGMINE_DEBUG") != null;
    err.println("negmine " + cl.getCommandName() + ": " + r.message()
        + (r.exitCode() == Failures.BUG && !debug ? " (set NEGMINE_DEBUG=1 for the stack trace)" : ""));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return r.exitCode();
  }
}
