# Sourced by bin/negmine, bin/test and .ci/run: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

negmine_java_major() {
  # prints the feature version of the java binary $1, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  case "$v" in
    1.*) echo 0 ;;
    '') echo 0 ;;
    *) echo "${v%%.*}" ;;
  esac
}

negmine_find_jdk() {
  local min=21 best="" best_v=0 cand v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(negmine_java_major "$JAVA_HOME/bin/java")
    if [ "$v" -ge "$min" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for cand in /usr/lib/jvm/*; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(negmine_java_major "$cand/bin/java")
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best="$cand"; best_v=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(negmine_java_major "$cand/bin/java")
    [ "$v" -ge "$min" ] && best="$cand"
  fi
  if [ -z "$best" ]; then
    echo "negmine: no JDK >= $min found (checked JAVA_HOME, /usr/lib/jvm/*, PATH); install one, e.g. Temurin 25" >&2
    return 1
  fi
  echo "$best"
}
