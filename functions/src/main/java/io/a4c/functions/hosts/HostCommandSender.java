package io.a4c.functions.hosts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.HostCommand;
import io.a4c.events.HostQueues;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Sends commands to a host's FIFO command queue ({@code <prefix><hostId>.fifo}), which the host's
 * daemon creates. One message group per workspace keeps a workspace's commands in order; the
 * command id is the deduplication id. Thread-safe; queue URLs are cached per instance.
 */
@Singleton
public final class HostCommandSender {
  private static final Logger log = LoggerFactory.getLogger(HostCommandSender.class);

  private final SqsClient sqs;
  private final ObjectMapper json;
  private final String prefix;
  private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

  @Inject
  public HostCommandSender(SqsClient sqs, ObjectMapper json, FunctionsConfig config) {
    this.sqs = sqs;
    this.json = json;
    this.prefix = config.hostQueuePrefix();
  }

  /**
   * Sends a command.
   *
   * @throws ProblemException 503 when the host's queue is missing or SQS cannot be reached
   */
  public void send(HostCommand command) {
    String body;
    try {
      body = json.writerFor(HostCommand.class).writeValueAsString(command);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command could not be serialised", e);
    }
    try {
      String url = queueUrls.computeIfAbsent(command.hostId(), this::lookUp);
      sqs.sendMessage(
          b ->
              b.queueUrl(url)
                  .messageBody(body)
                  .messageGroupId(command.messageGroup())
                  .messageDeduplicationId(command.commandId()));
    } catch (QueueDoesNotExistException e) {
      queueUrls.remove(command.hostId());
      throw new ProblemException(
          ProblemType.UNAVAILABLE,
          "host " + command.hostId() + " has no command queue; is its daemon installed?",
          null,
          "host-queue-missing");
    } catch (SdkException e) {
      log.atWarn()
          .addKeyValue("hostId", command.hostId())
          .addKeyValue("workspaceId", command.workspaceId())
          .setCause(e)
          .log("command not sent");
      throw new ProblemException(
          ProblemType.UNAVAILABLE,
          "the host command queue cannot be reached; try again",
          null,
          "queue-unreachable");
    }
  }

  private String lookUp(String hostId) {
    return sqs.getQueueUrl(b -> b.queueName(HostQueues.commandQueueName(prefix, hostId)))
        .queueUrl();
  }
}
