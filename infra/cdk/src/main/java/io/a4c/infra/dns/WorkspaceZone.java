package io.a4c.infra.dns;

import io.a4c.infra.config.DeployContext;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.route53.PrivateHostedZone;
import software.constructs.Construct;

/**
 * The Route 53 private hosted zone of workspace hostnames ({@code <workspaceId>.<domain>}), whose A
 * records the functions write (never the hosts). A private zone answers only inside the VPCs it is
 * associated with: the one named by the context ({@code workspaceVpcId}, where the fleet's network
 * and the developers' resolvers reach AWS), else a small VPC of the stack's own, with no NAT
 * gateway and no internet gateway (it costs nothing) — enough for the zone to exist and be tested,
 * and to associate more VPCs with later (docs/deploy.md).
 */
public final class WorkspaceZone extends Construct {
  /** The functions' default workspace domain, when the context names none. */
  public static final String DEFAULT_DOMAIN = "ws.a4c.internal";

  private final PrivateHostedZone zone;
  private final IVpc vpc;

  public WorkspaceZone(Construct scope, String id, DeployContext context) {
    super(scope, id);
    vpc =
        context
            .workspaceVpcId()
            .map(
                vpcId ->
                    Vpc.fromVpcAttributes(
                        this,
                        "Vpc",
                        VpcAttributes.builder()
                            .vpcId(vpcId)
                            .availabilityZones(Stack.of(this).getAvailabilityZones())
                            .build()))
            .orElseGet(this::ownVpc);
    zone =
        PrivateHostedZone.Builder.create(this, "Zone")
            .zoneName(context.workspaceDomain().orElse(DEFAULT_DOMAIN))
            .vpc(vpc)
            .comment("A4C " + context.settings().name() + ": workspace hostnames")
            .build();
  }

  private IVpc ownVpc() {
    return Vpc.Builder.create(this, "Vpc")
        .ipAddresses(IpAddresses.cidr("10.252.0.0/24"))
        .maxAzs(2)
        .natGateways(0)
        // Nothing runs in it, so its default security group needs no lock-down; the flag's custom
        // resource would add a Lambda function to the stack for nothing.
        .restrictDefaultSecurityGroup(false)
        .subnetConfiguration(
            List.of(
                SubnetConfiguration.builder()
                    .name("isolated")
                    .subnetType(SubnetType.PRIVATE_ISOLATED)
                    .cidrMask(26)
                    .build()))
        .build();
  }

  /**
   * Lets {@code function} write the zone's records: ChangeResourceRecordSets on this zone's ARN
   * alone (the functions never list or read records, and touch no other zone).
   */
  public void grantRecordWrites(IGrantable function) {
    function
        .getGrantPrincipal()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(List.of("route53:ChangeResourceRecordSets"))
                .resources(List.of(zone.getHostedZoneArn()))
                .build());
  }

  /** The zone's id, for {@code A4C_DNS_ZONE_ID}. */
  public String zoneId() {
    return zone.getHostedZoneId();
  }

  public PrivateHostedZone zone() {
    return zone;
  }

  public IVpc vpc() {
    return vpc;
  }
}
