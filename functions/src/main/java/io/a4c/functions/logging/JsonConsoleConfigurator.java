package io.a4c.functions.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The functions' logging: one JSON object per line on standard output, which CloudWatch Logs
 * Insights reads as fields (the SLF4J key-value pairs included); the AWS SDK at WARN, the rest at
 * INFO. Configured in code, found by logback as a service, because parsing a {@code logback.xml}
 * cost a Lambda cold start ~150 ms more.
 *
 * <p>It steps aside, as logback's own precedence would, when a configuration file is named ({@code
 * -Dlogback.configurationFile}, as the local runtime does) or a {@code logback-test.xml} is on the
 * class path (the local runtime's tests).
 */
public final class JsonConsoleConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || JsonConsoleConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    var encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMDC(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.start();

    var appender = new ConsoleAppender<ILoggingEvent>();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(encoder);
    appender.start();

    context.getLogger("software.amazon.awssdk").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
