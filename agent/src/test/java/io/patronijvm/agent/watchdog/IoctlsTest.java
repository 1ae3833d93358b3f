package io.patronijvm.agent.watchdog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The WDIOC_* request numbers as linux/watchdog.h defines them. */
class IoctlsTest {

    @Test
    void x86AndArmUseTheGenericEncoding() {
        for (String arch : new String[] {"amd64", "aarch64"}) {
            Ioctls i = new Ioctls(arch);
            assertThat(i.getSupport).isEqualTo(0x80285700L);
            assertThat(i.setTimeout).isEqualTo(0xC0045706L);
            assertThat(i.getTimeout).isEqualTo(0x80045707L);
        }
    }

    @Test
    void powerpcUsesThreeDirectionBits() {
        Ioctls i = new Ioctls("ppc64le");
        assertThat(i.getSupport).isEqualTo(0x40285700L);
        assertThat(i.setTimeout).isEqualTo(0xC0045706L);
        assertThat(i.getTimeout).isEqualTo(0x40045707L);
    }
}
