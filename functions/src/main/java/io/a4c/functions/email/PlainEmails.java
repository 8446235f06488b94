package io.a4c.functions.email;

import io.a4c.functions.config.FunctionsConfig;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Sends A4C's plain-text emails (build endings, workspace expiry warnings) through SES (v2 API),
 * from the configured sender and configuration set. Thread-safe.
 */
@Singleton
public final class PlainEmails {
  private final SesV2Client ses;
  private final String sender;
  private final String configurationSet;

  @Inject
  public PlainEmails(SesV2Client ses, FunctionsConfig config) {
    this.ses = ses;
    this.sender = config.builds().emailSender();
    this.configurationSet = config.builds().emailConfigurationSet();
  }

  /** Sends one message; throws when SES does not take it. */
  public void send(String to, String subject, String body) {
    ses.sendEmail(
        b -> {
          b.fromEmailAddress(sender)
              .destination(d -> d.toAddresses(to))
              .content(
                  c ->
                      c.simple(
                          m ->
                              m.subject(t -> t.data(subject))
                                  .body(x -> x.text(t -> t.data(body)))));
          if (configurationSet != null) {
            b.configurationSetName(configurationSet);
          }
        });
  }
}
