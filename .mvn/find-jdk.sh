# Finds a JDK 21 or newer and exports JAVA_HOME to it. Sourced (POSIX sh) by ./mvnw and ./tollgate,
# so that both work in a plain shell on a machine whose default `java` is older: the build needs
# --release 21 and the jar runs only on 21+.
#
# Order: $JAVA_HOME, then the `java` on PATH, each taken when it is a JDK 21+; otherwise the newest
# JDK 21+ in the usual install places. TOLLGATE_JDK_SEARCH (space-separated globs) replaces those
# places, for tests and for unusual layouts.

TOLLGATE_MIN_JAVA=21

# Prints the major version of the JDK at $1 (17, 21, 25, ...), or nothing when it is not a JDK.
tollgate_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    # Reading the release file costs nothing; starting a JVM per candidate would cost a second each.
    _tg_v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" | head -n 1)
  else
    _tg_v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  case $_tg_v in 1.*) _tg_v=${_tg_v#1.} ;; esac
  _tg_v=${_tg_v%%[!0-9]*}
  [ -n "$_tg_v" ] && printf '%s\n' "$_tg_v"
  return 0
}

# The JDK home of the `java` on PATH, following the alternatives symlinks.
tollgate_path_jdk() {
  _tg_java=$(command -v java 2>/dev/null) || return 0
  _tg_real=$(readlink -f "$_tg_java" 2>/dev/null || printf '%s' "$_tg_java")
  dirname "$(dirname "$_tg_real")"
}

# Sets JAVA_HOME to a JDK 21+ and returns 0, or says in one line what was found and what is needed.
tollgate_use_jdk() {
  for _tg_home in "${JAVA_HOME-}" "$(tollgate_path_jdk)"; do
    [ -n "$_tg_home" ] || continue
    _tg_major=$(tollgate_jdk_major "$_tg_home")
    if [ -n "$_tg_major" ] && [ "$_tg_major" -ge "$TOLLGATE_MIN_JAVA" ]; then
      JAVA_HOME=$_tg_home; export JAVA_HOME
      return 0
    fi
  done

  # mvnw runs with `set -f`; the search needs globbing, so turn it on here and restore it after.
  case $- in *f*) _tg_noglob=1; set +f ;; *) _tg_noglob= ;; esac
  _tg_best= ; _tg_best_major=0
  for _tg_home in ${TOLLGATE_JDK_SEARCH:-/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* "${HOME-}"/.gradle/jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home \
      /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home}; do
    [ -d "$_tg_home" ] || continue
    _tg_major=$(tollgate_jdk_major "$_tg_home")
    if [ -n "$_tg_major" ] && [ "$_tg_major" -gt "$_tg_best_major" ]; then
      _tg_best=$_tg_home; _tg_best_major=$_tg_major
    fi
  done
  [ -z "$_tg_noglob" ] || set -f

  if [ "$_tg_best_major" -ge "$TOLLGATE_MIN_JAVA" ]; then
    JAVA_HOME=$_tg_best; export JAVA_HOME
    return 0
  fi

  _tg_found="no java at all"
  if _tg_java=$(command -v java 2>/dev/null); then
    _tg_found="$("$_tg_java" -version 2>&1 | head -n 1 | sed 's/^[^"]*"\([^"]*\)".*/java \1/') at $_tg_java"
  fi
  [ -z "${JAVA_HOME-}" ] || _tg_found="$_tg_found, and JAVA_HOME=$JAVA_HOME is not a JDK $TOLLGATE_MIN_JAVA+"
  echo "Tollgate needs a JDK $TOLLGATE_MIN_JAVA or newer, but found $_tg_found: install one (e.g. apt-get install openjdk-21-jdk, or Temurin from https://adoptium.net) or set JAVA_HOME to it." >&2
  return 1
}
