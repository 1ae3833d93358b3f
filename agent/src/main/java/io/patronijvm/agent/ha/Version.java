package io.patronijvm.agent.ha;

/** Our implementation version as shown in {@code GET /patroni} (decision 1). */
final class Version {

    static final String VALUE = versionFromManifest();

    private Version() {
    }

    private static String versionFromManifest() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
