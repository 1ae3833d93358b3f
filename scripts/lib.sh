# shellcheck shell=bash
# Shared helpers for scripts/setup, scripts/build and scripts/test.
# Sourced, not executed: the caller owns `set -euo pipefail`.

# Project root = parent of the directory holding this file, so the scripts
# work from any current directory and from any clone location (CI clones
# into a different folder than developers use).
PATRONI_JVM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
export PATRONI_JVM_ROOT

# Minimum Java feature release the project compiles for.
PATRONI_JVM_MIN_JAVA=21

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# java_major DIR -> prints the feature release of DIR/bin/java ("17", "25"),
# or nothing if DIR is not a usable JDK. A JDK, not a JRE: Maven's compiler
# plugin needs javac / the jdk.compiler module, so bin/javac must exist too.
java_major() {
    local dir=$1 out ver
    [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || return 0
    out=$("$dir/bin/java" -version 2>&1) || return 0
    # First quoted string is the version: "25.0.3", "21", "1.8.0_412".
    ver=$(sed -n 's/^[^"]*"\([^"]*\)".*/\1/p' <<<"$out" | head -n1)
    [[ -n "$ver" ]] || return 0
    ver=${ver#1.}          # legacy "1.8" numbering -> 8
    printf '%s\n' "${ver%%[.+-]*}"
}

# find_jdk: export JAVA_HOME/PATH for a JDK >= 21.
# Prefers an explicit $JAVA_HOME when it is good enough, otherwise the newest
# JDK under /usr/lib/jvm. The machine's default java (17) is deliberately
# never taken from PATH. Returns 1 (without exiting) if none is found, so
# setup can install one.
find_jdk() {
    local major best="" best_major=0 dir
    if [[ -n "${JAVA_HOME:-}" ]]; then
        major=$(java_major "$JAVA_HOME")
        if [[ -n "$major" ]] && (( major >= PATRONI_JVM_MIN_JAVA )); then
            best=$JAVA_HOME best_major=$major
        fi
    fi
    if [[ -z "$best" ]]; then
        for dir in /usr/lib/jvm/*; do
            [[ -d "$dir" ]] || continue
            dir=$(cd "$dir" && pwd -P)   # resolve java-1.x symlink aliases
            major=$(java_major "$dir")
            [[ -n "$major" ]] || continue
            if (( major >= PATRONI_JVM_MIN_JAVA && major > best_major )); then
                best=$dir best_major=$major
            fi
        done
    fi
    [[ -n "$best" ]] || return 1
    export JAVA_HOME=$best
    # Put the chosen JDK first so `java`/`javac` and Maven agree.
    case ":$PATH:" in
        *":$JAVA_HOME/bin:"*) ;;
        *) export PATH="$JAVA_HOME/bin:$PATH" ;;
    esac
    export PATRONI_JVM_JAVA_MAJOR=$best_major
}

# find_pg_bin: export PG_BIN_DIR = newest /usr/lib/postgresql/<N>/bin that has
# initdb and pg_ctl. Whatever major the distribution ships (15 on Debian 12,
# 17 on Debian 13) — never hard-coded.
find_pg_bin() {
    local dir best=""
    # sort -V so that 9.6 < 15 < 17.
    while IFS= read -r dir; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            best=$dir
        fi
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
    [[ -n "$best" ]] || return 1
    export PG_BIN_DIR=$best
}

# consul_bin: path of the project-local Consul 1.8.7 (installed by
# scripts/setup from Debian 11's package into the git-ignored .tools/).
consul_bin() {
    printf '%s\n' "$PATRONI_JVM_ROOT/.tools/consul/usr/bin/consul"
}

# The system's main Debian archive URI (not -security, not third-party):
# deb822 *.sources first (Debian 12/13 default), then one-line lists.
debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        # Stanzas are blank-line separated; print URIs of enabled deb stanzas
        # whose suites are not -security.
        awk 'BEGIN { RS = ""; FS = "\n" }
             {
               types = ""; uris = ""; suites = ""; enabled = "yes"
               for (i = 1; i <= NF; i++) {
                 line = $i
                 if (line ~ /^[ \t]*#/) continue
                 if (line ~ /^Types:/)   { sub(/^Types:[ \t]*/, "", line); types = line }
                 if (line ~ /^URIs:/)    { sub(/^URIs:[ \t]*/, "", line); uris = line }
                 if (line ~ /^Suites:/)  { sub(/^Suites:[ \t]*/, "", line); suites = line }
                 if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", line); enabled = line }
               }
               if (enabled == "no" || types !~ /(^|[ \t])deb([ \t]|$)/) next
               if (suites ~ /-security/) next
               n = split(uris, u, /[ \t]+/)
               for (j = 1; j <= n; j++) print u[j]
             }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -e 's/#.*//' -e 's/\[[^]]*\]//' \
        | awk '$1 == "deb" && $3 !~ /-security/ { print $2 }'
}

pick_mirror() {
    # Main Debian archive: path contains /debian (deb.debian.org/debian,
    # ftp.XX.debian.org/debian, snapshot .../archive/debian/DATE) but not
    # debian-security; this skips third-party repos such as pgdg.
    debian_mirror | grep -E '/debian(/|$)' | grep -v -- '-security' | head -n1
}
