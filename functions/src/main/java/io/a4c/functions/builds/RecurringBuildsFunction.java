package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.a4c.functions.FunctionsComponent;

/** Lambda entry point of the recurring-builds tick, on an EventBridge schedule. */
public final class RecurringBuildsFunction implements RequestHandler<ScheduledEvent, String> {
  private final RecurringBuilds recurring;

  public RecurringBuildsFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()).recurringBuilds());
  }

  RecurringBuildsFunction(RecurringBuilds recurring) {
    this.recurring = recurring;
  }

  @Override
  public String handleRequest(ScheduledEvent event, Context context) {
    return recurring.tick().toString();
  }
}
