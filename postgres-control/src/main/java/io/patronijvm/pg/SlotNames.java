package io.patronijvm.pg;

/** R55: the physical replication slot name Patroni derives from a member name. */
public final class SlotNames {

    /** PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_LENGTH = 63;

    private SlotNames() {
    }

    /**
     * Lowercases, turns {@code -} and {@code .} into {@code _}, keeps {@code [a-z0-9_]} and turns any
     * other character into {@code u} plus its code as 4 decimal digits ({@code u%04d}, as the spec
     * states), then truncates to 63 characters.
     */
    public static String forMember(String memberName) {
        StringBuilder sb = new StringBuilder();
        memberName.toLowerCase(java.util.Locale.ROOT).codePoints().forEach(c -> {
            if (c == '-' || c == '.') {
                sb.append('_');
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
                sb.appendCodePoint(c);
            } else {
                sb.append('u').append(String.format("%04d", c));
            }
        });
        return sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) : sb.toString();
    }
}
