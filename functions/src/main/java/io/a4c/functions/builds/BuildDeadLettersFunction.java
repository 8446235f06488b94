package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.priming.PrimingEvents;

/** Lambda entry point of the build dead-letter queue's consumer (ReportBatchItemFailures on). */
public final class BuildDeadLettersFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final BuildDeadLetters consumer;

  public BuildDeadLettersFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private BuildDeadLettersFunction(FunctionsComponent graph) {
    this(graph.buildDeadLetters());
    graph.priming().register(this, PrimingEvents::buildDeadLetters);
  }

  BuildDeadLettersFunction(BuildDeadLetters consumer) {
    this.consumer = consumer;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return consumer.handle(event);
  }
}
