package io.a4c.functions.sshkeys;

/**
 * Public keys made with {@code ssh-keygen} (OpenSSH 9) for the tests, with the fingerprints {@code
 * ssh-keygen -l} printed for them. Public halves only; the private keys were thrown away. The sk
 * key was assembled by hand from the ed25519 key (no FIDO token here): the blob a token's {@code
 * .pub} holds, {@code ssh-keygen -l} reads it as ED25519-SK.
 */
final class SshKeyFixtures {
  static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJf"
          + "x2 alice@laptop";
  static final String ED25519_FINGERPRINT = "SHA256:z2gyf03c+X1zRVM1JvvnP0y4AffJILMmVj+Pkw4TWok";

  static final String ECDSA_256 =
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBc2T4"
          + "mvTn1vzt6BhSJSA21AwLrv3m9plU8jkH9lrhbovu/Mf14834Vdn0y92FFODgQt1xgEmPNufYtdNM0b"
          + "Chs= ecdsa256";
  static final String ECDSA_256_FINGERPRINT = "SHA256:MN34Po0j/QSaMTlZdyvInpW/gVV1z+qnbL+Eee1+J2c";

  static final String ECDSA_384 =
      "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBAa01M"
          + "me2y6qB79gbPvBCA0W3CQOmVxYB7QePjHs3QSoGXmOnYMZ5jq55u3eRDSRk0VGBckfb8AiBjUeu6eu"
          + "PSX1uC9/gWwhiIXrsKKI6qz50uFYW/dAy5wrPGfHoQSSpw== e384";
  static final String ECDSA_384_FINGERPRINT = "SHA256:3U4GdxFtP0Nu5RdyD7X6YSg2MKhVFzXCAFR0GJdZZRk";

  static final String ECDSA_521 =
      "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBACmyt"
          + "KI1m6PFt2Fp+w0p3dik8baWJs65gMJ+RUJW/Yl/GsbK7piTm4iw9fQQVqyfF/6JtWrza+vb9ZbNRig"
          + "fTR13QGNAACwywPywDTFguALeyVUk9Fp5XdW9ERCVsM3HNQ+iOtMFRCf3gAE1PVIpKCnxP+IdQvViW"
          + "VyOB0X+cdDoCbOZw== e521";
  static final String ECDSA_521_FINGERPRINT = "SHA256:tt94GrUzJxj0fR8qfy/wGc+qdSnkpkaAP/NpAoVQC30";

  static final String RSA_3072 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDuTiHlHiiNLAXk80+AsCmSOawrOkfk2Ej/alg/4W"
          + "1Jo9WEVQsGbgxH9YL2KV2wXImes5Sa2OJZU/ft5eLGREOenIXZSApocpzqI42oOa2cFrHycWwmlEIn"
          + "2xKafMaomMPI8hfwkU862GKtioWNwpNH3sYdNvbKOCRwz74bNeNQ9rwpV0zvrY+7PF+W9sGwT5CBo6"
          + "HZ3gPqTynvr9XijJPBGL2aszJTySAdHYKT/0gZWBB9qbf1sME9QAWaN1zDxnbxYg/nLCtXANAZyIiF"
          + "iqE+noJy5UAQiFWsKGMFpOVUphenJ23QcerohnIEhazVKzJs6Yr6CR/OYYsAxq9BptlSyAJ3hs/5g9"
          + "rpEouTrNKZPkJyo1M6LMd2srK8wAtGwGjeRrm2o99LA3B37zP5pmAKzArcKDow7R4NioQAnAEFOo1T"
          + "ewcXby5T1eArS5PhDKwRWfY+9DLDWOtpDmdodsP9M99Axskq2BIfAhptKVlWU1HWPIeT6OfoOkMxyP"
          + "0j8SU= rsa3072";
  static final String RSA_3072_FINGERPRINT = "SHA256:5ybpJTNwcwpQQileamRV12Wuvghc4qWsVUsW6EgA1K0";

  static final String RSA_2048 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCqC2GV5sKFJ+vG4BR0Jk3kBA9b6DN76FPk8xZ2gi"
          + "Vgjwk3Hnpr5eSnjEDxchKgQFt/zYl+Rnm9C2zBhAbfY9nSTlxkF2EIAL6osXuwW0CsDSO1zH/gWWmk"
          + "Yv2BM04yxWk1dAlHl1R0zNggF2Lu5xG6OnPGa7FH6LXAojwtNfaXv9Ubo5t/sL/fN/JEMhC0EA467z"
          + "lV9KGY3mLQ2fn52jufTGPMx4qONmijcBta+HL3xfgp/e2P7n9foY9kspVh3sYmC5f8+XyJF3xdyQ4l"
          + "lomoO42VSah685gyXO2m7sXo/MOHJ/QK3qwa3G3T53n/MLmnctbtfH4uUMHFa2khtTyV rsa2048";
  static final String RSA_2048_FINGERPRINT = "SHA256:vNCjZPzS8UP6/0leBte+mCu1IpxTRhJdEayY24zR+nM";

  static final String RSA_8192 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAEAQC7ezyGk5DnmbO0lteER87ehHdBU9HmMKvaDsiOTh"
          + "1hiV/DyF+eZpBOB4B/4hINTduutht2V/CogNZh+PyZ/F01z4RRIcJWG1EaLicoqgzR593+DpSIGW+w"
          + "Tzxj53o7zWDSkcMhz4HCeg2XKbGNBLJM8p8CoBiZtSAh2gclqP5082srn63h4PmSyswpfrcoNbE0vQ"
          + "IYm5Qc+0TwTvi/+wXCtGI1Z1fohjf+bhZCLYWS2zfHu28AbQFuVgoGSY5Mx65A4BEaYt48sHdzRwCS"
          + "og2zYkJjjE2tHtmW0pGegOwOULNRY586nnXxgMRIkOvwF3Z0P+wdthbf+Y/LDu414X1TpMEeRrIVgu"
          + "dzmVvOJIIVAUoEvK+/O/HNly2yfkFQu6J8jfEeObrO4Ejevdz1v7/7TYF5k5W7UmiW4C/+3ZQzL0uL"
          + "QQ7iq9PIOa4AjaTJFo5rKVIqxK/FKE1UZu+edfiO0XGDScGmVOuJjNi2rRTu9OqCbhjaRz2oQiWSD8"
          + "jFxatnwd5wD+xyS0FKTc0jT2J/P6/L+ScBVBQCXF1bQKIILEKqs8jggo3sYoHiW04iPt4qxYBdw1di"
          + "ZaS9khx30B2Rl5Eyx6hTe1EBmJsuTJXXbY6NjUOluSFi7bw0iCJU5vwiqZzilhU7L3TK903FZWr7xb"
          + "Ap53hEEkldyOfXfnK9xYhUYC5npqdtvMNmkR5mqdXogRlUnwUU5Oj76NqfMvO/RzeXs3kUiqdrv8DF"
          + "dKem8B1yKB1RLQn4tJoaE8dQUQH5Ovw9fIJlw4we4kx7ocMCstxifM3MxOZ91zBrkjr1aDbeJ2l8vw"
          + "p2BEvqMx+VPZqC9rH9ZoAt4+9iTYfzFgOlijJtKwbuavVjv6ONqo4r7RzCoIFhFPNLgmlrw9LYwFdn"
          + "pyq45uH6HWCM9lVoFdJvOR3f1aQ8b6mLwUjnXdHuy7cRyB8UJDs4IEEsuplD8tA6P0wyhsx1yGmJhv"
          + "duj0Dv7LTrJeUWeBWuC03RQcjrF4Dd8VgZI2YHRl9h+VUkRm5DZ2XRk2bLaaKyqIEamSaBxMF1yEiE"
          + "tDB1fBcod+OX+qF8kXjoPXwbmOKBkiBvQO5pGs/Fq1My4xjTslMcYmM0uf5yYFJUrvS1blf7s8mtOt"
          + "mWBaO+34A39F6K7bWzuqZaScELKtVeNTpfnbme3jHfNigpAu0lB6FGaIc2UMTqfuyLNggJmCGFpx8O"
          + "kN6PM7ZmBdyh5dywE4L6b61ynViwbgEmHcbOazUjLsIwzNzUwYCcEACx4I/CYMeK7N6+U5eXjQwpou"
          + "18yLRqA6HVJtrAqW3j+7vlfRT8rL0w08Pcz4Qknpezh86DEm4+W0lq28Q+HIhBK6brIRZyKB2K0N5N"
          + " big";
  static final String RSA_8192_FINGERPRINT = "SHA256:LAVq6b6BmrwSWfrQyJXSSqzwKolg/14aqXr9vrr+dCw";

  static final String DSA =
      "ssh-dss AAAAB3NzaC1kc3MAAACBAKBPGQ8o5ziSMYiN2Yt7cRg6b+sZ8MIGs4q93AyvjFykBWWovR"
          + "fg1e1KCCqaDFbeagC9ECBqINj5cKhzYhLNH5FkeICKjz6UfGKEpc5oDUOVxb8qSIp5ZKkUYaaxwTfz"
          + "07bTTSGwh7XXrIl6RezUGL0W+uv1sa+Xx3jHp9ubK6HZAAAAFQC/2CPQhHSbHls9NGYVUYXt+mvBxQ"
          + "AAAIB8emoMhGtXQHi1HfOR118BtQlF6tqI3H7BJm8nO/HN8Ht2JQTeBwOFRcZsvmZsvoYHW1+4/ZpN"
          + "DGWV0/GE1TxajwnHUQFId3bqdtbB/vl8pexB8B4LvHcwdkvSl1deviYdjZ6bF5bRou2QoeHYlka3No"
          + "6RZNFSEyQ34loudbf7gwAAAIAFwZaHGP6t7TGVjiMoWWjLxpXuZsZFi5pyqJjcbTjZXmYKtuNy4kAp"
          + "BXiMlUD9HlpC0no3oXXd8tyQ/ePzTVmR5bWVe3sR6dWDAfCsi/eb00RaFlH7FlgqNAO/j73ana6okQ"
          + "7Xv6QbAyJTX7OZhcaDE2ked/PR/ozQaDe+DkDETQ== dsa";
  static final String DSA_FINGERPRINT = "SHA256:TzRQj6n8VsxOZsbYg3pSvrZTMaAbB8ltYlSbsm9QqRc";

  static final String ECDSA_256_CERTIFICATE =
      "ecdsa-sha2-nistp256-cert-v01@openssh.com AAAAKGVjZHNhLXNoYTItbmlzdHAyNTYtY2Vyd"
          + "C12MDFAb3BlbnNzaC5jb20AAAAgNbOVGP7s3I5+Vgl43nzq3UsmDAdb6paUMgkVug8ZBxcAAAAIbml"
          + "zdHAyNTYAAABBBBc2T4mvTn1vzt6BhSJSA21AwLrv3m9plU8jkH9lrhbovu/Mf14834Vdn0y92FFOD"
          + "gQt1xgEmPNufYtdNM0bChsAAAAAAAAAAAAAAAEAAAAEY2VydAAAAAkAAAAFYWxpY2UAAAAAaw/KYAA"
          + "AAABs76zWAAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlb"
          + "nQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB"
          + "0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgGrzkA"
          + "i8Z8MMarakt7xJ9eqkzGio34DWcXRlFm2El/HYAAABTAAAAC3NzaC1lZDI1NTE5AAAAQIzHMuE9cde"
          + "Kvw1jWqx2IWx07qZrXwn/qGhCHrzsu7EIH7OzpxQ4UFPsNxs3y8EnDtkVWMKuHglOyZOW9pETfQ8= "
          + "ecdsa256";
  static final String ECDSA_256_CERTIFICATE_FINGERPRINT =
      "SHA256:MN34Po0j/QSaMTlZdyvInpW/gVV1z+qnbL+Eee1+J2c";

  static final String SK_ED25519 =
      "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIBq85AI"
          + "vGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2AAAABHNzaDo= yubikey";
  static final String SK_ED25519_FINGERPRINT = "SHA256:6tJHv4t/ELJw2vx5aJ8UN2bIBAot1U7KQAcGmfO/jE8";

  private SshKeyFixtures() {}
}
