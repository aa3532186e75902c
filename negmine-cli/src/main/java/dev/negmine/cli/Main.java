package dev.negmine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
   * Turns exceptions into one line on stderr. Bad input (our {@link UserInputException}, a
   * malformed file, an invalid argument) exits 2; anything else is an internal error, exit 1, with
   * the stack trace only when NEGMINE_DEBUG is set.
   */
  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    boolean debug = System.getenv("NEGMINE_DEBUG") != null;
    if (t instanceof UserInputException || t instanceof IllegalArgumentException || t instanceof IOException) {
      err.println("negmine " + cl.getCommandName() + ": " + oneLine(t));
      if (debug) {
        t.printStackTrace(err);
      }
      err.flush();
      return EXIT_BAD_INPUT;
    }
    err.println("negmine " + cl.getCommandName() + ": internal error: " + oneLine(t)
        + (debug ? "" : " (set NEGMINE_DEBUG=1 for the stack trace)"));
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    } else if (t instanceof java.nio.file.NoSuchFileException) {
      m = m + ": no such file";
    } else if (t instanceof java.nio.file.AccessDeniedException) {
      m = m + ": permission denied";
    }
    return m.replace('\n', ' ');
  }
}
