package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.priming.PrimingEvents;
import java.util.Map;

/**
 * Lambda entry point of the recurring-builds tick, on an EventBridge schedule. The event is taken
 * as a map: {@code ScheduledEvent} carries a Joda-Time date, and Joda-Time is not in the minimized
 * jar (the runtime would fail to load the type).
 */
public final class RecurringBuildsFunction implements RequestHandler<Map<String, Object>, String> {
  private final RecurringBuilds recurring;

  public RecurringBuildsFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private RecurringBuildsFunction(FunctionsComponent graph) {
    this(graph.recurringBuilds());
    graph.priming().register(this, PrimingEvents::recurringBuilds);
  }

  RecurringBuildsFunction(RecurringBuilds recurring) {
    this.recurring = recurring;
  }

  @Override
  public String handleRequest(Map<String, Object> event, Context context) {
    return recurring.tick().toString();
  }
}
