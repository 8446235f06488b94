package io.a4c.infra.email;

import io.a4c.infra.config.EnvSettings;
import java.util.List;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.ses.ConfigurationSet;
import software.amazon.awscdk.services.ses.EmailIdentity;
import software.amazon.awscdk.services.ses.Identity;
import software.amazon.awscdk.services.ses.SuppressionReasons;
import software.constructs.Construct;

/**
 * SES for build-end emails: the sender's email identity and a configuration set that every message
 * is sent with (reputation metrics, and bounces and complaints suppressed).
 *
 * <p>An email identity must be verified by clicking the link SES sends to it after the first
 * deploy; until then, and while the account is in the SES sandbox, sending fails.
 */
public final class EmailSending extends Construct {
  private final EmailIdentity identity;
  private final ConfigurationSet configurationSet;

  public EmailSending(Construct scope, String id, EnvSettings settings, String senderEmail) {
    super(scope, id);
    configurationSet =
        ConfigurationSet.Builder.create(this, "ConfigurationSet")
            .configurationSetName("a4c-" + settings.name())
            .reputationMetrics(true)
            .sendingEnabled(true)
            .suppressionReasons(SuppressionReasons.BOUNCES_AND_COMPLAINTS)
            .build();
    identity =
        EmailIdentity.Builder.create(this, "Sender")
            .identity(Identity.email(senderEmail))
            .configurationSet(configurationSet)
            .build();
  }

  /**
   * Lets {@code grantee} send from the sender identity with the configuration set (SES v2 checks
   * both ARNs), and nothing else.
   */
  public void grantSend(IGrantable grantee) {
    identity.grantSendEmail(grantee);
    grantee
        .getGrantPrincipal()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(List.of("ses:SendEmail", "ses:SendRawEmail"))
                .resources(List.of(configurationSetArn()))
                .build());
  }

  public EmailIdentity identity() {
    return identity;
  }

  public ConfigurationSet configurationSet() {
    return configurationSet;
  }

  private String configurationSetArn() {
    return Arn.format(
        ArnComponents.builder()
            .service("ses")
            .resource("configuration-set")
            .resourceName(configurationSet.getConfigurationSetName())
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build(),
        Stack.of(this));
  }
}
