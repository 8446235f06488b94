package io.a4c.functions.workspaces;

import io.a4c.functions.config.FunctionsConfig;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Tells a workspace's owner, by email through SES (v2 API, the build emails' sender), that their
 * stopped workspace will be deleted. One plain-text message. Thread-safe.
 */
@Singleton
public final class WorkspaceNotifier {
  private final SesV2Client ses;
  private final String sender;
  private final String configurationSet;

  @Inject
  public WorkspaceNotifier(SesV2Client ses, FunctionsConfig config) {
    this.ses = ses;
    this.sender = config.builds().emailSender();
    this.configurationSet = config.builds().emailConfigurationSet();
  }

  /** Sends the warning that {@code workspace} will be deleted; throws when SES does not take it. */
  public void expiryWarning(Workspace workspace, String to) {
    String label =
        workspace.name() == null
            ? workspace.workspaceId()
            : workspace.name() + " (" + workspace.workspaceId() + ")";
    String subject =
        "A4C workspace " + label + " will be deleted " + workspace.life().deleteAfter();
    String body =
        "Your workspace "
            + label
            + " of "
            + workspace.projectName()
            + " "
            + workspace.parentName()
            + " has been stopped since "
            + workspace.life().stoppedAt()
            + ".\n\nIt will be deleted, with its home, at "
            + workspace.life().deleteAfter()
            + ".\nStart it before then to keep it:\n\n  POST /v1/users/"
            + workspace.userId()
            + "/workspaces/"
            + workspace.workspaceId()
            + "/start\n";
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
