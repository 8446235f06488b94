package io.a4c.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void aUrlsUserInformationIsMaskedAndTheRestKept() {
    assertThat(Redaction.url("https://user:s3cret@git.example.com/shop.git"))
        .isEqualTo("https://***@git.example.com/shop.git");
    assertThat(Redaction.url("https://ghp_token@github.com/a/b.git"))
        .isEqualTo("https://***@github.com/a/b.git");
    assertThat(Redaction.url("https://user:p@ss@git.example.com/x.git"))
        .isEqualTo("https://***@git.example.com/x.git");
    assertThat(Redaction.url("https://git.example.com/shop.git"))
        .isEqualTo("https://git.example.com/shop.git");
    assertThat(Redaction.url("https://git.example.com/a@b"))
        .isEqualTo("https://git.example.com/a@b");
    assertThat(Redaction.url(null)).isNull();
  }

  @Test
  void everyUrlInATextIsMasked() {
    String text =
        "$ git clone --quiet -- https://u:tok1@a.example/x.git /b\n"
            + "fatal: unable to access 'http://u:tok2@b.example/y/': refused\n"
            + "mail me at ops@example.com";
    assertThat(Redaction.text(text))
        .isEqualTo(
            "$ git clone --quiet -- https://***@a.example/x.git /b\n"
                + "fatal: unable to access 'http://***@b.example/y/': refused\n"
                + "mail me at ops@example.com");
  }

  @Test
  void theSourceUrlsUserInformationIsMaskedAlsoWithoutItsScheme() {
    String url = "git://user:t%40ken@git.example.com:9418/x";
    assertThat(
            Redaction.text(
                "fatal: unable to look up user:t%40ken@git.example.com:9418 (port 9418)\n"
                    + "Password for user:t@ken@git.example.com",
                url))
        .isEqualTo(
            "fatal: unable to look up ***@git.example.com:9418 (port 9418)\n"
                + "Password for ***@git.example.com")
        .doesNotContain("ken");
    assertThat(Redaction.text("nothing to hide", null)).isEqualTo("nothing to hide");
  }
}
