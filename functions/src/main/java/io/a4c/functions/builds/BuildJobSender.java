package io.a4c.functions.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildMessage;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Puts build jobs on their arch's build queue (standard queues, one per arch, so a builder only
 * ever receives jobs it can build; duplicates are the claim's problem). Thread-safe.
 */
@Singleton
public final class BuildJobSender {
  private static final Logger log = LoggerFactory.getLogger(BuildJobSender.class);

  private final SqsClient sqs;
  private final ObjectMapper json;
  private final FunctionsConfig.Builds settings;

  @Inject
  public BuildJobSender(SqsClient sqs, ObjectMapper json, FunctionsConfig config) {
    this.sqs = sqs;
    this.json = json;
    this.settings = config.builds();
  }

  /** The job's JSON, as queued and as kept on a held schedule. */
  public String toJson(BuildJob job) {
    try {
      return json.writerFor(BuildMessage.class).writeValueAsString(job);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("build job could not be serialised", e);
    }
  }

  /**
   * Whether the build queue of {@code arch} holds no message at all: none visible, none being
   * worked on, none delayed. SQS's counts are approximate, so a true answer may be wrong by a
   * moment; a caller acting on it must be harmless when it is (a duplicate job is: the claim
   * refuses it).
   */
  public boolean queueEmpty(Arch arch) {
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(settings.queueUrl(arch))
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return attributes.size() == 3 && attributes.values().stream().allMatch("0"::equals);
  }

  /**
   * Sends a job's JSON to the build queue of {@code arch}, the job's own.
   *
   * @throws ProblemException 503 when SQS cannot be reached
   */
  public void send(String scheduleId, Arch arch, String jobJson) {
    try {
      sqs.sendMessage(b -> b.queueUrl(settings.queueUrl(arch)).messageBody(jobJson));
    } catch (SdkException e) {
      log.atWarn()
          .addKeyValue("scheduleId", scheduleId)
          .addKeyValue("arch", arch.wireName())
          .setCause(e)
          .log("build job not sent");
      throw new ProblemException(
          ProblemType.UNAVAILABLE,
          "the " + arch.wireName() + " build queue cannot be reached; try again",
          null,
          "queue-unreachable");
    }
  }
}
