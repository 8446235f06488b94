package io.a4c.functions.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.priming.PrimingEvents;
import java.util.Map;

/**
 * Lambda entry point of the sweeper, on an EventBridge rate rule. The event is not read; it arrives
 * as a map because {@code ScheduledEvent} types its time with Joda-Time, which the functions' jar
 * leaves out.
 */
public final class SweeperFunction implements RequestHandler<Map<String, Object>, Sweeper.Result> {
  private final Sweeper sweeper;

  public SweeperFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private SweeperFunction(FunctionsComponent graph) {
    this(graph.sweeper());
    graph.priming().register(this, PrimingEvents::sweeper);
  }

  SweeperFunction(Sweeper sweeper) {
    this.sweeper = sweeper;
  }

  @Override
  public Sweeper.Result handleRequest(Map<String, Object> event, Context context) {
    return sweeper.sweep();
  }
}
