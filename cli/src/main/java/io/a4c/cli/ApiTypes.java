package io.a4c.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The API's bodies the CLI reads and sends, kept by hand. Each record is named after its schema in
 * {@code docs/openapi.yaml} and holds only the properties the CLI uses, each of the schema's type;
 * {@code OpenApiTypesTest} checks both, and that every request body the CLI sends validates. A
 * property the server adds later is ignored, not an error.
 */
public final class ApiTypes {
  private ApiTypes() {}

  /** {@code Problem}: an RFC 9457 problem. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Problem(
      String type,
      String title,
      Integer status,
      String detail,
      String field,
      String reason,
      String requestId) {}

  /** {@code TokenRequest}: a development token's subject ({@code POST /local/tokens}). */
  public record TokenRequest(String sub, boolean admin) {}

  /** {@code TokenResponse}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TokenResponse(String token) {}

  /** {@code CreateWorkspaceRequest}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CreateWorkspaceRequest(
      String projectName, String parentName, String arch, String name, String change) {}

  /** {@code RebuildWorkspaceRequest}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RebuildWorkspaceRequest(String change) {}

  /** {@code WorkspaceSsh}: how to log in. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WorkspaceSsh(
      String host, int port, String user, List<String> hostKeyFingerprints) {}

  /** {@code Workspace}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Workspace(
      String workspaceId,
      String name,
      String projectName,
      String parentName,
      String arch,
      String change,
      String hostId,
      String hostname,
      String ip,
      String state,
      String step,
      String reason,
      Instant createdAt,
      Boolean hostReachable,
      String stoppedReason,
      WorkspaceSsh ssh,
      String sshUnavailable) {}

  /** {@code PutSshKeyRequest}. */
  public record PutSshKeyRequest(String publicKey) {}

  /** {@code SshKey}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SshKey(
      String name, String type, String fingerprint, String comment, Instant createdAt) {}

  /** {@code SshKeyList}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SshKeyList(List<SshKey> items) {}

  /** {@code CreateImageScheduleRequest}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CreateImageScheduleRequest(
      String imageName, String project, String change, String parentName, String arch) {}

  /** {@code Waiting}: where a scheduled build stands. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Waiting(int position, String code, String reason) {}

  /** {@code ImageSchedule}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ImageSchedule(
      String scheduleId,
      String imageName,
      String projectName,
      String parentName,
      String arch,
      String change,
      String status,
      int attempts,
      String workerId,
      String imageRef,
      String reason,
      Instant scheduledAt,
      Instant endedAt,
      Waiting waiting) {}

  /** {@code BuildLog}: the log, or its part after an offset, and whether more will come. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BuildLog(
      String scheduleId, String status, int attempt, String log, long nextOffset, boolean ended) {}

  /** {@code Host}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Host(
      String hostId,
      String arch,
      String status,
      long diskUsedBytes,
      long diskTotalBytes,
      int capacity,
      int runningWorkspaces,
      int assignedWorkspaces,
      Instant lastHeartbeatAt) {}

  /** {@code HostList}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HostList(List<Host> items) {}

  /** {@code HostStatusRequest}. */
  public record HostStatusRequest(String status) {}

  /**
   * {@code ProjectListing}: what any signed-in user sees of a project, its parents and, per parent,
   * the newest completed image of each arch that has one.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ProjectListing(String projectName, List<ProjectListing.Parent> parents) {
    /** One of its parents (the schema's inline {@code parents} item). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Parent(String parentName, List<Image> images) {}

    /** The newest completed image of an arch (the schema's inline {@code images} item). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String arch, String change, Instant createdAt) {}
  }

  /** {@code ProjectListingList}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ProjectListingList(List<ProjectListing> items) {}

  /** {@code AuditEntry}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AuditEntry(
      Instant at,
      String action,
      String actor,
      boolean admin,
      String userId,
      String target,
      Map<String, String> details) {}

  /** {@code AuditPage}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AuditPage(List<AuditEntry> items, String nextToken) {}
}
