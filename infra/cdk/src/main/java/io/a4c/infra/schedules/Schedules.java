package io.a4c.infra.schedules;

import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.functions.LambdaFunctions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The EventBridge rules that drive time: recurring builds every five minutes (the function decides
 * which projects' own cron expressions are due) and the sweeper every minute.
 *
 * <p>Both functions are idempotent, so EventBridge's retries are safe; a missed tick is made up by
 * the next one, so events older than two minutes are dropped rather than piled up.
 */
public final class Schedules extends Construct {
  /** When recurring builds are checked: every fifth minute. */
  public static final CronOptions RECURRING_BUILDS_CRON =
      CronOptions.builder().minute("0/5").build();

  /** How often the sweeper runs. */
  public static final Duration SWEEPER_RATE = Duration.minutes(1);

  private final Rule recurringBuilds;
  private final Rule sweeper;

  public Schedules(Construct scope, String id, EnvSettings settings, LambdaFunctions functions) {
    super(scope, id);
    recurringBuilds =
        rule(
            "RecurringBuilds",
            Schedule.cron(RECURRING_BUILDS_CRON),
            functions.recurringBuilds(),
            "A4C " + settings.name() + ": start the recurring builds that are due");
    sweeper =
        rule(
            "Sweeper",
            Schedule.rate(SWEEPER_RATE),
            functions.sweeper(),
            "A4C " + settings.name() + ": re-send lost builds, fail stuck work, mark dead hosts");
  }

  private Rule rule(String id, Schedule schedule, IFunction target, String description) {
    return Rule.Builder.create(this, id)
        .schedule(schedule)
        .description(description)
        .targets(
            List.of(
                LambdaFunction.Builder.create(target)
                    .retryAttempts(2)
                    .maxEventAge(Duration.minutes(2))
                    .build()))
        .build();
  }

  public Rule recurringBuilds() {
    return recurringBuilds;
  }

  public Rule sweeper() {
    return sweeper;
  }
}
