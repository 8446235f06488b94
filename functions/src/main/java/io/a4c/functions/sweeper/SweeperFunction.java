package io.a4c.functions.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.a4c.functions.FunctionsComponent;

/** Lambda entry point of the sweeper, on an EventBridge rate rule. */
public final class SweeperFunction implements RequestHandler<ScheduledEvent, Sweeper.Result> {
  private final Sweeper sweeper;

  public SweeperFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()).sweeper());
  }

  SweeperFunction(Sweeper sweeper) {
    this.sweeper = sweeper;
  }

  @Override
  public Sweeper.Result handleRequest(ScheduledEvent event, Context context) {
    return sweeper.sweep();
  }
}
