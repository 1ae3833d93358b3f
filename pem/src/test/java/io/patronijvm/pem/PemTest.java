package io.patronijvm.pem;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PEM forms Patroni's settings take, made by the real openssl, read back into JDK objects. */
class PemTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.crt",
                "-days", "2", "-subj", "/CN=pem-test");
        openssl("rsa", "-in", "rsa.key", "-out", "pkcs1.key", "-traditional");
        openssl("pkcs8", "-topk8", "-in", "rsa.key", "-out", "enc.key", "-v2", "aes-256-cbc", "-passout", "pass:s3cret");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.key");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "sec1.key", "-out", "ec.key");
        Files.writeString(dir.resolve("both.pem"), Files.readString(dir.resolve("rsa.crt"))
                + Files.readString(dir.resolve("rsa.key")));
        Files.writeString(dir.resolve("bundle.pem"), Files.readString(dir.resolve("rsa.crt"))
                + Files.readString(dir.resolve("rsa.crt")));
    }

    @Test
    void pkcs8Pkcs1AndEncryptedKeysAreTheSameRsaKey() throws Exception {
        PrivateKey plain = Pem.privateKey(dir.resolve("rsa.key"), null, "x.password");
        PrivateKey pkcs1 = Pem.privateKey(dir.resolve("pkcs1.key"), null, "x.password");
        PrivateKey enc = Pem.privateKey(dir.resolve("enc.key"), "s3cret", "x.password");
        assertThat(((RSAPrivateCrtKey) pkcs1).getModulus()).isEqualTo(((RSAPrivateCrtKey) plain).getModulus());
        assertThat(enc.getEncoded()).isEqualTo(plain.getEncoded());
        assertThat(Pem.privateKey(dir.resolve("ec.key"), null, null).getAlgorithm()).isEqualTo("EC");
        assertThat(Pem.privateKey(dir.resolve("both.pem"), null, null).getEncoded()).isEqualTo(plain.getEncoded());
    }

    @Test
    void unusableKeysNameTheFileAndTheWayOut() {
        assertThatThrownBy(() -> Pem.privateKey(dir.resolve("enc.key"), null, "restapi.keyfile_password"))
                .hasMessageContaining("enc.key").hasMessageContaining("restapi.keyfile_password is not set");
        assertThatThrownBy(() -> Pem.privateKey(dir.resolve("enc.key"), null, null))
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> Pem.privateKey(dir.resolve("sec1.key"), null, null))
                .hasMessageContaining("sec1.key").hasMessageContaining("EC PRIVATE KEY");
        assertThatThrownBy(() -> Pem.privateKey(dir.resolve("rsa.crt"), null, null))
                .hasMessageContaining("rsa.crt").hasMessageContaining("no PRIVATE KEY");
    }

    @Test
    void pkcs8DerIsWhatTheJdkAndPgjdbcRead() throws Exception {
        byte[] fromPkcs1 = Pem.pkcs8Der(dir.resolve("pkcs1.key")).orElseThrow();
        PrivateKey k = java.security.KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(fromPkcs1));
        assertThat(k.getEncoded()).isEqualTo(Pem.privateKey(dir.resolve("rsa.key"), null, null).getEncoded());
        assertThat(Pem.pkcs8Der(dir.resolve("rsa.crt"))).isEmpty();
        assertThat(Pem.pkcs8Der(dir.resolve("enc.key")).orElseThrow()).isNotEqualTo(fromPkcs1);
    }

    @Test
    void storesHoldTheChainTheKeyAndEveryCa() throws Exception {
        KeyStore ks = PemTls.keyStore("restapi", dir.resolve("rsa.crt").toString(), dir.resolve("enc.key").toString(),
                "s3cret");
        assertThat(ks.getCertificateChain("key")).hasSize(1);
        assertThat(ks.getKey("key", PemTls.STORE_PASSWORD)).isNotNull();
        assertThat(PemTls.trustStore("etcd3.cacert", dir.resolve("bundle.pem").toString()).size()).isEqualTo(2);
        assertThatThrownBy(() -> PemTls.trustStore("etcd3.cacert", dir.resolve("rsa.key").toString()))
                .hasMessageContaining("etcd3.cacert").hasMessageContaining("rsa.key")
                .hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> PemTls.keyStore("restapi", dir.resolve("missing.crt").toString(), null, null))
                .hasMessageContaining("restapi").hasMessageContaining("missing.crt");
        assertThat(PemTls.trustManager("consul.cacert", null).getAcceptedIssuers()).isNotEmpty();
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }
}
