package io.a4c.functions.hostevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.priming.PrimingEvents;

/** Lambda entry point of the host-events queue consumer (ReportBatchItemFailures on). */
public final class HostEventsFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final HostEventsConsumer consumer;

  public HostEventsFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private HostEventsFunction(FunctionsComponent graph) {
    this(graph.hostEventsConsumer());
    graph.priming().register(this, () -> PrimingEvents.hostEvents(graph.config().security()));
  }

  HostEventsFunction(HostEventsConsumer consumer) {
    this.consumer = consumer;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return consumer.handle(event);
  }
}
