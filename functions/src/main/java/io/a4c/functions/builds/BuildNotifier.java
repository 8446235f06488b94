package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import io.a4c.functions.email.PlainEmails;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Tells a build's owner it ended, by email through SES (v2 API). One plain-text message; the caller
 * makes sure it is sent once per build. Thread-safe.
 */
@Singleton
public final class BuildNotifier {
  private final PlainEmails emails;

  @Inject
  public BuildNotifier(PlainEmails emails) {
    this.emails = emails;
  }

  /** Sends the end-of-build email; throws when SES does not take it. */
  public void send(BuildSchedule build, String to) {
    String what =
        build.projectName()
            + " "
            + build.parentName()
            + " "
            + build.arch().wireName()
            + (build.change() == null ? "" : " at change " + build.change());
    String subject =
        build.status() == BuildStatus.COMPLETED
            ? "A4C build completed: " + what
            : "A4C build " + build.status().name().toLowerCase() + ": " + what;
    StringBuilder body = new StringBuilder();
    body.append("Your image build ")
        .append(build.scheduleId())
        .append(build.imageName() == null ? "" : " (" + build.imageName() + ")")
        .append(" of ")
        .append(what)
        .append(" is ")
        .append(build.status())
        .append(".\n\n");
    if (build.status() == BuildStatus.COMPLETED) {
      body.append("Image: ").append(build.imageRef()).append('\n');
      if (build.digest() != null) {
        body.append("Digest: ").append(build.digest()).append('\n');
      }
      body.append("New workspaces of this project and parent now use it.\n");
    } else if (build.reason() != null) {
      body.append("Reason: ").append(build.reason()).append('\n');
    }
    body.append("\nLog: GET /v1/users/")
        .append(build.userId())
        .append("/image-schedules/")
        .append(build.scheduleId())
        .append("/log\n");
    emails.send(to, subject, body.toString());
  }
}
