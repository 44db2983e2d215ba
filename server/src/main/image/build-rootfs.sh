#!/usr/bin/env bash
# Prepares the root filesystem of Tollgate's OCI image, which Jib then packs on top of "scratch"
# (server/pom.xml, profile "image"). No base image is pulled: the build must work without a
# registry and without a Docker daemon, so the base is made here from the build's own JDK and host.
#
#   build-rootfs.sh JAVA_HOME JAR OUTPUT_DIR
#
# OUTPUT_DIR/rootfs gets:
#   /opt/java           a jlinked runtime with only the modules Tollgate uses
#   /lib, /lib64, ...   the shared libraries that runtime and ACCP's native library load, copied
#                       from the host at the absolute paths the dynamic loader looks them up at
#   /etc                passwd and group with user tollgate (10001), nsswitch.conf, hosts,
#                       the host's CA bundle
#   /app/tollgate.jar   the shaded jar
#   /data, /tmp         empty; writable (ACCP unpacks its native library into java.io.tmpdir)
#
# The runtime and libraries are reused from the previous build when the JDK, the module list and
# this script are unchanged (a stamp file records them), so a rebuild costs only the copy of the
# jar. The stamp does not cover the host's libraries: after a glibc upgrade, `mvn clean`.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 JAVA_HOME JAR OUTPUT_DIR" >&2
    exit 2
fi
java_home=$(realpath "$1")
jar=$(realpath "$2")
out=$(realpath -m "$3")
rootfs=$out/rootfs
if ! command -v ldd > /dev/null; then
    echo "$0: ldd not found; the image needs a glibc Linux host to take its libraries from" >&2
    exit 1
fi

# What the shaded jar needs. Derived with
#   jdeps --print-module-deps --ignore-missing-deps --multi-release 21 -R <the jar, unpacked>
# (on the jar itself jdeps reads nimbus-jose-jwt's META-INF/versions/9/module-info.class as the
# whole jar's descriptor and answers too little), then pruned of what only unused code needs:
# java.desktop (H2's GUI console, java.beans in Jackson and Micrometer extras), java.scripting and
# java.instrument (H2 triggers and agents), java.compiler (annotations). Kept:
#   java.net.http (the jwks_uri and issuer-discovery fetches of client authentication),
#   java.sql (JDBC, with java.logging, java.xml, java.transaction.xa), java.naming (Logback,
#   HikariCP, PostgreSQL driver), java.management + jdk.management (Micrometer's JVM and CPU
#   metrics), jdk.unsupported (sun.misc.Unsafe for Caffeine and friends), java.security.jgss
#   (PostgreSQL GSS authentication), jdk.net (extended socket options), jdk.zipfs (jar file
#   systems), jdk.crypto.ec (JDK 21's EC signatures, for where ACCP can't load; an empty,
#   deprecated module since JDK 22, so only added while the JDK has it).
# ImageTarIT starts the server in the image and gets a token, which checks the list is enough.
modules=java.base,java.net.http,java.sql,java.naming,java.management,jdk.management,jdk.unsupported,java.security.jgss,jdk.net,jdk.zipfs
if "$java_home/bin/java" --list-modules | grep -q '^jdk\.crypto\.ec@'; then
    modules=$modules,jdk.crypto.ec
fi

stamp="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | grep -E '^ +java\.(vm\.)?version =' | tr -d ' ')"
stamp="$stamp modules=$modules script=$(cksum < "$0")"

if [[ ! -f $out/base.stamp || "$(cat "$out/base.stamp")" != "$stamp" || ! -x $rootfs/opt/java/bin/java ]]; then
    rm -rf "$rootfs" "$out/base.stamp"
    mkdir -p "$rootfs/opt" "$rootfs/app" "$rootfs/etc/ssl/certs" "$rootfs/data" "$rootfs/tmp"

    # zip-6 for a smaller runtime; debug symbols, headers and man pages have no use in a server image.
    if ! "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
        --compress zip-6 --output "$rootfs/opt/java"; then
        echo "$0: jlink failed. It needs the JDK's jmods (Debian: openjdk-21-jmods) or JDK 24+;" \
            "build with -Dimage.skip to leave the image out." >&2
        exit 1
    fi
    # jlink links duplicated legal notices to java.base's; Jib would copy a link's target anyway,
    # and a plain file is what every layer tool handles the same way.
    find "$rootfs/opt/java" -type l | while read -r link; do
        cp --remove-destination "$(readlink -f "$link")" "$link"
    done

    # Every ELF file of the runtime plus ACCP's native library, which the jar carries and unpacks
    # at run time. ldd resolves against this host: the image carries the build host's glibc.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    (cd "$scratch" && "$java_home/bin/jar" xf "$jar" com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so)
    elves=("$rootfs/opt/java/bin/java" "$rootfs/opt/java/bin/keytool")
    while IFS= read -r -d '' so; do
        elves+=("$so")
    done < <(find "$rootfs/opt/java" "$scratch" -name '*.so' -print0)

    libs=()
    for elf in "${elves[@]}"; do
        # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and the loader "/lib64/ld-linux-x86-64.so.2 (0x…)";
        # libraries of the runtime itself ("=> /…/opt/java/lib/libjli.so") are already in place.
        while read -r path; do
            [[ $path == "$rootfs"/* ]] || libs+=("$path")
        done < <(ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
    done
    # glibc loads libgcc_s on demand to unwind a thread that pthread_exit()s or is cancelled; ldd
    # can't see that, and without it such a thread aborts the process.
    for extra in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
        if [[ -f $extra ]]; then
            libs+=("$extra")
            break
        fi
    done
    for lib in $(printf '%s\n' "${libs[@]}" | sort -u); do
        # Same absolute path as on the host (that is where the loader and the runtime look), but
        # as a real file in a real directory: /lib is a link to /usr/lib on merged-/usr hosts.
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
    done

    cat > "$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
tollgate:x:10001:10001:Tollgate:/data:/sbin/nologin
EOF
    cat > "$rootfs/etc/group" <<'EOF'
root:x:0:
tollgate:x:10001:
EOF
    # glibc's built-in files backend; container runtimes mount their own hosts and resolv.conf.
    cat > "$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group:  files
hosts:  files dns
EOF
    cat > "$rootfs/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1       localhost
EOF
    if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
        cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    fi

    echo "$stamp" > "$out/base.stamp"
fi

cp "$jar" "$rootfs/app/tollgate.jar"
