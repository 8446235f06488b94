package io.a4c.functions.builds;

import static io.a4c.functions.http.ApiRoutes.BUILD_QUEUE;
import static io.a4c.functions.http.ApiRoutes.IMAGE_SCHEDULE;
import static io.a4c.functions.http.ApiRoutes.IMAGE_SCHEDULES;
import static io.a4c.functions.http.ApiRoutes.IMAGE_SCHEDULE_LOG;
import static io.a4c.functions.http.ApiRoutes.RECURRING_BUILDS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.events.Names;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiRequest;
import io.a4c.functions.http.ApiResponses;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.http.Validation;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The image-schedule routes under {@code /v1/users/{userId}/image-schedules}, and the admin's
 * recurring-builds switch and view of the build queue. Thin: parse, check, call.
 */
@Singleton
public final class ImageSchedulesApi implements ApiHandler {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 100;

  /** Body of {@code PUT /v1/recurring-builds}. */
  public record RecurringSwitch(Boolean paused) {
    public RecurringSwitch {
      if (paused == null) {
        throw new InvalidRequestException("paused", "paused is required (true or false)");
      }
    }
  }

  private final ImageScheduling scheduling;
  private final ImageScheduleReads reads;
  private final ImageScheduleCancellation cancellation;
  private final RecurringBuildsSwitch recurring;
  private final BuildQueueReads queue;
  private final ApiResponses responses;
  private final String adminClaim;

  @Inject
  public ImageSchedulesApi(
      ImageScheduling scheduling,
      ImageScheduleReads reads,
      ImageScheduleCancellation cancellation,
      RecurringBuildsSwitch recurring,
      BuildQueueReads queue,
      ApiResponses responses,
      FunctionsConfig config) {
    this.scheduling = scheduling;
    this.reads = reads;
    this.cancellation = cancellation;
    this.recurring = recurring;
    this.queue = queue;
    this.responses = responses;
    this.adminClaim = config.adminClaim();
  }

  @Override
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    return responses.run(ApiRequest.from(event), this::route);
  }

  private APIGatewayV2HTTPResponse route(ApiRequest request) {
    var caller = request.caller(adminClaim);
    if (request.routeKey().equals("GET " + BUILD_QUEUE)) {
      caller.requireAdmin();
      return responses.json(200, queue.queue());
    }
    if (request.routeKey().endsWith(" " + RECURRING_BUILDS)) {
      caller.requireAdmin();
      return switch (request.routeKey()) {
        case "GET " + RECURRING_BUILDS -> responses.json(200, recurring.settings());
        case "PUT " + RECURRING_BUILDS -> {
          boolean paused = responses.read(request, RecurringSwitch.class).paused();
          yield responses.json(200, recurring.setPaused(Origin.of(caller, request), paused));
        }
        default -> throw new ProblemException(ProblemType.NOT_FOUND, "no such route");
      };
    }
    String userId = request.pathParameter("userId", Names.USER_ID, "a user id");
    caller.requireAccessTo(userId);
    return switch (request.routeKey()) {
      case "POST " + IMAGE_SCHEDULES -> {
        var body = responses.read(request, CreateImageScheduleRequest.class);
        var created =
            scheduling.schedule(
                Origin.of(caller, request), userId, request.claims().get("email"), body);
        yield responses.json(
            202, created, Map.of("location", request.path() + "/" + created.scheduleId()));
      }
      case "GET " + IMAGE_SCHEDULES ->
          responses.json(
              200,
              reads.list(
                  userId,
                  Validation.limit(request.query().get("limit"), DEFAULT_LIMIT, MAX_LIMIT),
                  request.query().get("nextToken")));
      case "GET " + IMAGE_SCHEDULE -> responses.json(200, reads.get(userId, scheduleId(request)));
      case "DELETE " + IMAGE_SCHEDULE ->
          responses.json(
              200, cancellation.cancel(Origin.of(caller, request), userId, scheduleId(request)));
      case "GET " + IMAGE_SCHEDULE_LOG ->
          responses.json(
              200, reads.log(userId, scheduleId(request), after(request.query().get("after"))));
      default -> throw new ProblemException(ProblemType.NOT_FOUND, "no such route");
    };
  }

  /**
   * The {@code after} query parameter of the log: a character offset in ASCII digits, 0 when
   * absent.
   */
  static long after(String raw) {
    if (raw == null) {
      return 0;
    }
    long after = Validation.wholeNumber(raw);
    if (after >= 0) {
      return after;
    }
    throw new InvalidRequestException(
        "after",
        "after must be a whole number of characters, 0 or more, in the digits 0-9 (a log's"
            + " nextOffset)");
  }

  private static String scheduleId(ApiRequest request) {
    return request.pathParameter("scheduleId", Names.SCHEDULE_ID, "a schedule id");
  }
}
