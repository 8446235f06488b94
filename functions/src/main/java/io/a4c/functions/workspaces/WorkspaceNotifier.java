package io.a4c.functions.workspaces;

import io.a4c.functions.email.PlainEmails;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Tells a workspace's owner, by email through SES (v2 API, the build emails' sender), that their
 * stopped workspace will be deleted. One plain-text message. Thread-safe.
 */
@Singleton
public final class WorkspaceNotifier {
  private final PlainEmails emails;

  @Inject
  public WorkspaceNotifier(PlainEmails emails) {
    this.emails = emails;
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
    emails.send(to, subject, body);
  }
}
