package io.a4c.infra;

import io.a4c.daemon.config.DaemonEnv;
import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.infra.alarms.Alarms;
import io.a4c.infra.api.Api;
import io.a4c.infra.config.DeployContext;
import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.dns.WorkspaceZone;
import io.a4c.infra.email.EmailSending;
import io.a4c.infra.functions.LambdaFunctions;
import io.a4c.infra.hosts.HostRoles;
import io.a4c.infra.queues.Queues;
import io.a4c.infra.registry.ImageRegistry;
import io.a4c.infra.schedules.Schedules;
import io.a4c.infra.tables.Tables;
import io.a4c.infra.web.Dashboard;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.deployment.ISource;
import software.constructs.Construct;

/**
 * All of A4C in one stack, built from clear parts: tables, queues, email, registry, the workspace
 * DNS zone, functions, HTTP API, the dashboard, schedules, host roles and alarms. Dev and prod are
 * the same stack with different {@link EnvSettings}; nothing here branches on the environment's
 * name.
 *
 * <p>One stack, because every part references the others (the functions name the tables, the host
 * roles name the queues) and is deployed together; cross-stack exports would only add ordering
 * constraints.
 */
public final class A4cStack extends Stack {
  private final Tables tables;
  private final Queues queues;
  private final LambdaFunctions functions;
  private final Api api;
  private final HostRoles hostRoles;
  private final Alarms alarms;
  private final WorkspaceZone workspaceZone;
  private final Dashboard dashboard;

  /**
   * Builds the stack.
   *
   * @param functionsCode the functions' shaded jar (tests pass a placeholder directory)
   * @param dashboardFiles the dashboard's built files, web/dist (tests pass a placeholder)
   */
  public A4cStack(
      Construct scope,
      String id,
      StackProps props,
      DeployContext context,
      Code functionsCode,
      ISource dashboardFiles) {
    super(scope, id, props);
    EnvSettings settings = context.settings();
    Tags.of(this).add("a4c:env", settings.name());

    tables = new Tables(this, "Tables", settings);
    queues = new Queues(this, "Queues", settings);
    EmailSending email = new EmailSending(this, "Email", settings, context.senderEmail());
    ImageRegistry registry = new ImageRegistry(this, "Registry", settings, context.imageProjects());
    workspaceZone = new WorkspaceZone(this, "WorkspaceDns", context);
    functions =
        new LambdaFunctions(
            this, "Functions", context, functionsCode, tables, queues, email, workspaceZone);
    dashboard = new Dashboard(this, "Dashboard", settings);
    api = new Api(this, "Api", settings, context, functions, dashboard.origin());
    dashboard.deploy(dashboardFiles, api.url(), context.jwtIssuer(), context.webClientId());
    new Schedules(this, "Schedules", settings, functions);
    hostRoles =
        new HostRoles(
            this,
            "Hosts",
            settings,
            context.hostIds(),
            context.hostTrustAnchorArn(),
            queues,
            registry.repository(),
            functions.buildClaim());
    var roleIds = new java.util.LinkedHashMap<String, String>();
    hostRoles.roles().forEach((hostId, role) -> roleIds.put(hostId, role.getRoleId()));
    functions.trustHostRoles(roleIds);
    functions.acceptImagesFrom(registry.repository().getRepositoryUri());
    alarms =
        new Alarms(
            this, "Alarms", settings, api, queues, functions.sweeper(), context.alarmEmail());

    output("ApiUrl", api.url(), "Root URL of the HTTP API");
    output("DashboardUrl", dashboard.origin() + "/", "the dashboard (sign-in redirect URI)");
    output(
        "HostEventsQueueUrl",
        queues.hostEvents().getQueueUrl(),
        "host daemons: " + DaemonEnv.HOST_EVENTS_QUEUE_URL);
    output(
        "HostQueuePrefix",
        queues.hostQueuePrefix(),
        "host daemons and functions: " + DaemonEnv.HOST_QUEUE_PREFIX);
    for (Arch arch : Arch.values()) {
      output(
          "BuildQueueUrl" + Queues.idSuffix(arch),
          queues.builds(arch).getQueueUrl(),
          "host daemons: " + DaemonEnv.buildQueueUrl(arch));
      output(
          "BuildDlqUrl" + Queues.idSuffix(arch),
          queues.buildsDlq(arch).getQueueUrl(),
          "parked " + arch.wireName() + " builds");
    }
    output(
        "BuildClaimFunction",
        functions.buildClaim().getFunctionArn(),
        "host daemons: " + DaemonEnv.BUILD_CLAIM_FUNCTION);
    output("HostEventsDlqUrl", queues.hostEventsDlq().getQueueUrl(), "parked host events");
    output("WorkspacesTable", tables.workspaces().getTableName(), FunctionsEnv.WORKSPACES_TABLE);
    output("ProjectsTable", tables.projects().getTableName(), FunctionsEnv.PROJECTS_TABLE);
    output("ImagesTable", tables.images().getTableName(), FunctionsEnv.IMAGES_TABLE);
    output("HostsTable", tables.hosts().getTableName(), FunctionsEnv.HOSTS_TABLE);
    output("HostImagesTable", tables.hostImages().getTableName(), FunctionsEnv.HOST_IMAGES_TABLE);
    output("BuildSchedulesTable", tables.buildSchedules().getTableName(), "build schedules");
    output(
        "ImageRepositoryUri",
        registry.repository().getRepositoryUri(),
        "host daemons: "
            + DaemonEnv.IMAGE_REPOSITORY
            + " (where builders push and hosts pull images)");
    output(
        "EmailConfigurationSet",
        email.configurationSet().getConfigurationSetName(),
        "SES configuration set for build emails");
    output(
        "WorkspaceZoneId",
        workspaceZone.zoneId(),
        "private hosted zone of workspace hostnames (" + FunctionsEnv.DNS_ZONE_ID + ")");
    output("AlarmTopicArn", alarms.topic().getTopicArn(), "subscribe to be told of alarms");
    hostRoles
        .roles()
        .forEach(
            (hostId, role) ->
                output(
                    "HostRole" + outputSuffix(hostId),
                    role.getRoleArn(),
                    "role of the host daemon on " + hostId));
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  /**
   * Output ids are alphanumeric. Host ids are lowercase letters, digits and '-', so writing '-' as
   * 'D' keeps distinct hosts distinct.
   */
  static String outputSuffix(String hostId) {
    return hostId.replace('-', 'D');
  }

  public Tables tables() {
    return tables;
  }

  public Queues queues() {
    return queues;
  }

  public LambdaFunctions functions() {
    return functions;
  }

  public Api api() {
    return api;
  }

  public HostRoles hostRoles() {
    return hostRoles;
  }

  public Alarms alarms() {
    return alarms;
  }

  public Dashboard dashboard() {
    return dashboard;
  }

  public WorkspaceZone workspaceZone() {
    return workspaceZone;
  }
}
