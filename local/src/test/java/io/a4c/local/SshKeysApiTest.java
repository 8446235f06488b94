package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SSH keys API through the local runtime's gateway: put (201, then 200 by name), list, delete;
 * refused keys are 400 problems naming the field and store nothing; another user's keys are a 404,
 * as their workspaces are. Every exchange is checked against docs/openapi.yaml by the client.
 */
@ExtendWith(SharedRuntime.class)
class SshKeysApiTest {
  /** Made with {@code ssh-keygen -t ed25519 -C alice@laptop}; its fingerprint as -l prints it. */
  static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2 alice@laptop";

  static final String ED25519_FINGERPRINT = "SHA256:z2gyf03c+X1zRVM1JvvnP0y4AffJILMmVj+Pkw4TWok";

  /** Made with {@code ssh-keygen -t ecdsa -b 256 -C ecdsa256}. */
  static final String ECDSA_256 =
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBc2T4mvTn1vzt6BhSJS"
          + "A21AwLrv3m9plU8jkH9lrhbovu/Mf14834Vdn0y92FFODgQt1xgEmPNufYtdNM0bChs= ecdsa256";

  /** Made with {@code ssh-keygen -t rsa -b 2048}: too short. */
  static final String RSA_2048 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCqC2GV5sKFJ+vG4BR0Jk3kBA9b6DN76FPk8xZ2giVgjwk3Hnpr5eSn"
          + "jEDxchKgQFt/zYl+Rnm9C2zBhAbfY9nSTlxkF2EIAL6osXuwW0CsDSO1zH/gWWmkYv2BM04yxWk1dAlHl1R0zNgg"
          + "F2Lu5xG6OnPGa7FH6LXAojwtNfaXv9Ubo5t/sL/fN/JEMhC0EA467zlV9KGY3mLQ2fn52jufTGPMx4qONmijcBta"
          + "+HL3xfgp/e2P7n9foY9kspVh3sYmC5f8+XyJF3xdyQ4llomoO42VSah685gyXO2m7sXo/MOHJ/QK3qwa3G3T53n/"
          + "MLmnctbtfH4uUMHFa2khtTyV rsa2048";

  static String body(String publicKey) {
    return "{\"publicKey\": \"" + publicKey + "\"}";
  }

  @Test
  void aKeyIsCreatedReplacedListedAndDeleted(ApiClient api) {
    var scenario = new Scenario(api);
    String user = scenario.user("sam");
    String token = api.tokenOf(user);
    String keys = "/v1/users/" + user + "/ssh-keys";

    assertThat(api.get(keys, token).json().get("items")).isEmpty();

    var created = api.put(keys + "/laptop", token, body(ED25519));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.at("/name")).isEqualTo("laptop");
    assertThat(created.at("/type")).isEqualTo("ssh-ed25519");
    assertThat(created.at("/fingerprint")).isEqualTo(ED25519_FINGERPRINT);
    assertThat(created.at("/comment")).isEqualTo("alice@laptop");

    var replaced = api.put(keys + "/laptop", token, body(ECDSA_256));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.at("/type")).isEqualTo("ecdsa-sha2-nistp256");

    assertThat(api.put(keys + "/desktop", token, body(ED25519)).status()).isEqualTo(201);
    var list = api.get(keys, token);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().findValuesAsText("name")).containsExactly("desktop", "laptop");
    assertThat(list.at("/items/1/fingerprint")).isEqualTo(replaced.at("/fingerprint"));

    var deleted = api.delete(keys + "/laptop", token);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    var again = api.delete(keys + "/laptop", token);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.at("/reason")).isEqualTo("unknown-ssh-key");
    assertThat(api.get(keys, token).json().findValuesAsText("name")).containsExactly("desktop");
  }

  @Test
  void aRefusedKeyIsA400NamingTheFieldAndStoresNothing(ApiClient api) {
    var scenario = new Scenario(api);
    String user = scenario.user("rita");
    String token = api.tokenOf(user);
    String keys = "/v1/users/" + user + "/ssh-keys";
    assertThat(api.put(keys + "/laptop", token, body(ED25519)).status()).isEqualTo(201);
    String before = api.get(keys, token).body();

    for (String refused :
        new String[] {
          body(RSA_2048),
          body("not a key"),
          body("no-pty " + ED25519),
          body(ED25519 + "\\n" + ECDSA_256),
          body(ED25519 + " " + ECDSA_256)
        }) {
      var reply = api.put(keys + "/laptop", token, refused);
      assertThat(reply.status()).as(refused).isEqualTo(400);
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
      assertThat(reply.at("/field")).as(refused).isEqualTo("publicKey");
    }
    var unknownMember = api.put(keys + "/new", token, "{\"publicKey\": \"x\", \"options\": \"\"}");
    assertThat(unknownMember.status()).isEqualTo(400);
    assertThat(unknownMember.at("/field")).isEqualTo("options");
    var badName = api.put(keys + "/-dash", token, body(ED25519));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.at("/field")).isEqualTo("keyName");

    assertThat(api.get(keys, token).body()).isEqualTo(before);
  }

  @Test
  void anotherUsersKeysAreNotFoundAndStayAsTheyWere(ApiClient api) {
    var scenario = new Scenario(api);
    String owner = scenario.user("olga");
    String other = scenario.user("mallory");
    String keys = "/v1/users/" + owner + "/ssh-keys";
    assertThat(api.put(keys + "/laptop", api.tokenOf(owner), body(ED25519)).status())
        .isEqualTo(201);

    String stranger = api.tokenOf(other);
    assertThat(api.get(keys, stranger).status()).isEqualTo(404);
    assertThat(api.put(keys + "/laptop", stranger, body(ECDSA_256)).status()).isEqualTo(404);
    assertThat(api.put(keys + "/planted", stranger, body(ECDSA_256)).status()).isEqualTo(404);
    assertThat(api.delete(keys + "/laptop", stranger).status()).isEqualTo(404);

    var list = api.get(keys, api.tokenOf(owner));
    assertThat(list.json().findValuesAsText("name")).containsExactly("laptop");
    assertThat(list.at("/items/0/fingerprint")).isEqualTo(ED25519_FINGERPRINT);
  }
}
