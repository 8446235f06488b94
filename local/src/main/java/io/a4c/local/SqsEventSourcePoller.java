package io.a4c.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What a Lambda event source mapping with ReportBatchItemFailures does: long-polls a queue, hands
 * batches to the same consumer the function runs, deletes the records it did not report as failed,
 * and leaves the failed ones to reappear after their visibility timeout.
 */
final class SqsEventSourcePoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqsEventSourcePoller.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final Function<SQSEvent, SQSBatchResponse> consumer;
  private final Duration wait;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  SqsEventSourcePoller(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      Function<SQSEvent, SQSBatchResponse> consumer,
      Duration wait) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.consumer = consumer;
    this.wait = wait;
  }

  void start(int concurrency) {
    running = true;
    for (int i = 0; i < concurrency; i++) {
      threads.add(Thread.ofPlatform().daemon().name("sqs-poller-" + i).start(this::loop));
    }
  }

  private void loop() {
    while (running) {
      try {
        pollOnce();
      } catch (Exception e) {
        if (running) {
          log.atWarn().addKeyValue("queueUrl", queueUrl).setCause(e).log("poll failed; retrying");
          sleepQuietly();
        }
      }
    }
  }

  private void pollOnce() {
    List<Message> messages =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds((int) wait.toSeconds())
                        .messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENDER_ID)
                        .messageAttributeNames("All"))
            .messages();
    if (messages.isEmpty()) {
      return;
    }
    var event = new SQSEvent();
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message message : messages) {
      var record = new SQSEvent.SQSMessage();
      record.setMessageId(message.messageId());
      record.setReceiptHandle(message.receiptHandle());
      record.setBody(message.body());
      record.setEventSource("aws:sqs");
      record.setEventSourceArn(queueArn);
      record.setAttributes(message.attributesAsStrings());
      // Message attributes as Lambda passes them (the host signature travels in one).
      Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
      message
          .messageAttributes()
          .forEach(
              (name, value) -> {
                var attribute = new SQSEvent.MessageAttribute();
                attribute.setDataType(value.dataType());
                attribute.setStringValue(value.stringValue());
                attributes.put(name, attribute);
              });
      record.setMessageAttributes(attributes);
      records.add(record);
    }
    event.setRecords(records);
    Set<String> failed = new HashSet<>();
    try {
      SQSBatchResponse response = consumer.apply(event);
      if (response != null && response.getBatchItemFailures() != null) {
        response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
      }
    } catch (RuntimeException e) {
      // A consumer that throws fails the whole batch, as in Lambda.
      log.atError()
          .addKeyValue("queueUrl", queueUrl)
          .setCause(e)
          .log("consumer threw; the batch will be redelivered");
      return;
    }
    var done =
        messages.stream()
            .filter(m -> !failed.contains(m.messageId()))
            .map(
                m ->
                    DeleteMessageBatchRequestEntry.builder()
                        .id(m.messageId())
                        .receiptHandle(m.receiptHandle())
                        .build())
            .toList();
    if (!done.isEmpty()) {
      sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(wait.plusSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
