package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.sql.PgConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration Patroni's acceptance suite runs with TLS: the server requires SSL and a
 * client certificate ({@code hostssl ... md5 clientcert=verify-ca}), and every user's
 * authentication carries {@code sslmode: verify-ca}, {@code sslcert}, {@code sslkey} (PEM, as
 * libpq takes it) and {@code sslrootcert}. The agent's own JDBC connections (bootstrap's roles,
 * the per-cycle observation) must get through, as Patroni's libpq connections do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SslConnectionTest {

    private Path root;
    private PgNodes nodes;
    private LocalPostgres pg;
    private Credentials superuser;

    @BeforeAll
    void setUp() throws Exception {
        PgNodes.assumePostgresCanRun();
        root = Files.createTempDirectory("pgctl-ssl");
        nodes = new PgNodes(root);
        Path cert = root.resolve("patroni.crt");
        Path key = root.resolve("patroni.key");
        Process p = new ProcessBuilder("openssl", "req", "-nodes", "-new", "-x509", "-subj", "/CN=batman.patroni",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> ssl = Map.of("sslmode", "verify-ca", "sslrootcert", cert.toString(),
                "sslcert", cert.toString(), "sslkey", key.toString());
        superuser = new Credentials("postgres", "su-secret", ssl);
        PostgresqlConfig base = nodes.config(7, null);
        Map<String, Object> params = new LinkedHashMap<>(base.parameters());
        params.putAll(Map.of("ssl", "on", "ssl_ca_file", cert.toString(), "ssl_cert_file", cert.toString(),
                "ssl_key_file", key.toString()));
        List<String> hba = new ArrayList<>(List.of("local all all trust", "local replication all trust",
                "hostssl replication replicator all md5 clientcert=verify-ca",
                "hostssl all all all md5 clientcert=verify-ca"));
        PostgresqlConfig cfg = new PostgresqlConfig(base.listenAddresses(), base.port(), base.connectAddress(), null,
                base.dataDir(), null, null, null, null, base.unixSocketDir(), false, false, superuser,
                new Credentials("replicator", "rep-secret", ssl), new Credentials("rewinder", "rw-secret", ssl),
                params, hba, null, null, null, Map.of(), null, null, Duration.ofSeconds(60), true, null, false, false,
                null);
        pg = nodes.node(cfg, new BootstrapConfig(null, null, null, List.<Object>of(Map.of("auth", "md5")), List.of(), null,
                Map.of()), MonotonicClock.SYSTEM, Sleeper.SYSTEM);
    }

    @AfterAll
    void tearDown() {
        if (nodes != null) {
            nodes.stopAll();
        }
    }

    @Test
    void bootstrapAndObservationConnectWithTheClientCertificate() throws Exception {
        pg.bootstrap(PgNodes.timeout(60));
        pg.postBootstrap(); // creates the roles over a TLS connection with the client certificate
        LocalPgState s = pg.observe();
        assertThat(s.isPrimary()).as("observed over TLS: %s", s).isTrue();
        try (Connection c = PgConnector.connect(PgNodes.address(7), 5432, superuser, Duration.ofSeconds(5));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ssl::text || ' ' || coalesce(client_dn, '-') FROM pg_stat_ssl "
                     + "WHERE pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("true /CN=batman.patroni");
        }
    }
}
