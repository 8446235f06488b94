package io.a4c.infra.hosts;

import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.queues.Queues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.rolesanywhere.CfnProfile;
import software.constructs.Construct;

/**
 * One IAM role per host daemon, from the {@code hosts} context list, each allowed exactly what that
 * host does and nothing another host does.
 *
 * <p>A host role may create and consume only its own FIFO command queue ({@code
 * <prefix><hostId>.fifo}, created by the daemon at start), send to host-events, consume the build
 * queue (every host is also a builder), invoke the build-claim function, and pull and push images
 * in the A4C repository. The only {@code *} resource is {@code ecr:GetAuthorizationToken}, which
 * IAM defines on no resource.
 *
 * <p>Why a role per host rather than one role for every host with a {@code <prefix>*} queue ARN:
 * the shared role needs no deploy to add a host, but any host holding it could read, delete or
 * delay another host's commands. A role per host costs one stack update per new host (IAM only).
 *
 * <p>Who may take a role: with a Roles Anywhere trust anchor (bare-metal hosts with an X.509
 * certificate), only a certificate whose subject CN is the host id, through a profile made here;
 * without one, principals of this account that an administrator allows {@code sts:AssumeRole} on
 * that one role (e.g. an IAM user per host).
 */
public final class HostRoles extends Construct {
  static final List<String> OWN_QUEUE_ACTIONS =
      List.of(
          "sqs:CreateQueue",
          "sqs:GetQueueUrl",
          "sqs:GetQueueAttributes",
          // The daemon sets its queue's visibility and its redrive to the command DLQ.
          "sqs:SetQueueAttributes",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility");

  /** Roles Anywhere needs these besides sts:AssumeRole, which {@code assumedBy} grants. */
  private static final List<String> ROLES_ANYWHERE_SESSION_ACTIONS =
      List.of("sts:TagSession", "sts:SetSourceIdentity");

  private final Map<String, Role> roles = new LinkedHashMap<>();

  public HostRoles(
      Construct scope,
      String id,
      EnvSettings settings,
      List<String> hostIds,
      Optional<String> trustAnchorArn,
      Queues queues,
      IRepository repository,
      IFunction buildClaim) {
    super(scope, id);
    for (String hostId : hostIds) {
      Role role =
          Role.Builder.create(this, "Host-" + hostId)
              .description("A4C " + settings.name() + " host daemon on " + hostId)
              .assumedBy(
                  trustAnchorArn
                      .<IPrincipal>map(anchor -> rolesAnywhere(anchor, hostId))
                      .orElseGet(() -> sessionNamedAfter(hostId)))
              .build();
      trustAnchorArn.ifPresent(
          anchor ->
              role.getAssumeRolePolicy()
                  .addStatements(
                      PolicyStatement.Builder.create()
                          .principals(List.of(rolesAnywhere(anchor, hostId)))
                          .actions(ROLES_ANYWHERE_SESSION_ACTIONS)
                          .build()));

      role.addToPolicy(
          PolicyStatement.Builder.create()
              .sid("OwnCommandQueue")
              .actions(OWN_QUEUE_ACTIONS)
              .resources(List.of(queues.hostQueueArn(hostId)))
              .build());
      queues.hostEvents().grantSendMessages(role);
      // The stack does not know a host's arch: its role may consume every arch's build queue,
      // and its daemon polls only its engine's.
      queues.allBuilds().forEach(queue -> queue.grantConsumeMessages(role));
      repository.grantPullPush(role);
      // A builder takes a build by invoking the claim function (it has no table access itself).
      buildClaim.grantInvoke(role);
      roles.put(hostId, role);
    }
    if (trustAnchorArn.isPresent() && !roles.isEmpty()) {
      CfnProfile.Builder.create(this, "Profile")
          .name("a4c-" + settings.name() + "-hosts")
          .roleArns(roles.values().stream().map(Role::getRoleArn).toList())
          // The daemon names its session after its host (--role-session-name <hostId>), so its
          // host events' SenderId reads <roleId>:<hostId>.
          .acceptRoleSessionName(true)
          .durationSeconds(3600)
          .enabled(true)
          .build();
    }
  }

  /**
   * Roles Anywhere, through this trust anchor only, for a certificate naming this host: without the
   * CN condition every certificate of the CA could take every host's role.
   */
  private static IPrincipal rolesAnywhere(String trustAnchorArn, String hostId) {
    return new ServicePrincipal("rolesanywhere.amazonaws.com")
        .withConditions(
            Map.of(
                "StringEquals", Map.of("aws:PrincipalTag/x509Subject/CN", hostId),
                "ArnEquals", Map.of("aws:SourceArn", trustAnchorArn)));
  }

  /**
   * Principals of this account, and only with a role session named after the host: a host's events
   * then carry {@code <roleId>:<hostId>} as their SQS SenderId, which the host-events consumer
   * checks (docs/security.md).
   */
  private static IPrincipal sessionNamedAfter(String hostId) {
    return new AccountRootPrincipal()
        .withConditions(Map.of("StringEquals", Map.of("sts:RoleSessionName", hostId)));
  }

  /** The roles by host id, in the order of the {@code hosts} context. */
  public Map<String, Role> roles() {
    return Collections.unmodifiableMap(roles);
  }
}
