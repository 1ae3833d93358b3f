package io.patronijvm.core.model;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Host names as Patroni's urlparse takes them, including the seed's member_1 that Java's URI refuses. */
class MemberUrlTest {

    @Test
    void anUnderscoreHostIsAHost() {
        assertThat(URI.create("postgres://member_1:5432/postgres").getHost()).as("what Java's URI gives").isNull();
        assertThat(MemberUrl.parse("postgres://member_1:5432/postgres")).contains(new MemberUrl("member_1", 5432));
        assertThat(MemberUrl.parse("http://member_1:8008/patroni")).contains(new MemberUrl("member_1", 8008));
        assertThat(MemberUrl.parse("postgres://replicator:pw@member_2/postgres", 5432))
                .contains(new MemberUrl("member_2", 5432));
    }

    @Test
    void ordinaryHostsAndAddresses() {
        assertThat(MemberUrl.parse("postgres://127.0.0.1:5433/postgres")).contains(new MemberUrl("127.0.0.1", 5433));
        assertThat(MemberUrl.parse("postgres://[::1]:5432/postgres")).contains(new MemberUrl("::1", 5432));
        assertThat(MemberUrl.parse("postgres://node1/postgres")).contains(new MemberUrl("node1", -1));
        assertThat(MemberUrl.parse("postgres://node1/postgres", 5432)).contains(new MemberUrl("node1", 5432));
    }

    @Test
    void unusableUrlsHaveNoHost() {
        assertThat(MemberUrl.parse(null)).isEmpty();
        assertThat(MemberUrl.parse(" ")).isEmpty();
        assertThat(MemberUrl.parse("postgres:///postgres")).isEmpty();
        assertThat(MemberUrl.parse("postgres://member_1:notaport/postgres")).isEmpty();
        assertThat(MemberUrl.parse("postgres://member_1:99999/postgres")).isEmpty();
        assertThat(MemberUrl.parse("not a url")).isEmpty();
    }

    @Test
    void httpClientUrisGetTheResolvedAddressOnlyWhenJavaSeesNoHost() {
        URI plain = URI.create("http://10.0.0.5:8008/patroni");
        assertThat(MemberUrl.forHttpClient(plain, h -> { throw new AssertionError("resolved " + h); })).isSameAs(plain);
        URI u = MemberUrl.forHttpClient(URI.create("http://member_1:8008/failsafe?x=1"),
                h -> h.equals("member_1") ? "10.89.0.7" : "?");
        assertThat(u).isEqualTo(URI.create("http://10.89.0.7:8008/failsafe?x=1"));
        assertThat(u.getHost()).isEqualTo("10.89.0.7");
        assertThat(MemberUrl.forHttpClient(URI.create("http://member_1:8008/patroni"), h -> "fd00::7"))
                .isEqualTo(URI.create("http://[fd00::7]:8008/patroni"));
        assertThat(Optional.of(MemberUrl.forHttpClient(URI.create("http://member_1/patroni"), h -> "10.0.0.1")))
                .contains(URI.create("http://10.0.0.1/patroni"));
    }
}
