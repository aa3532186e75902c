# Sourced by bin/test and .ci/run: the system packages the build and the tests need (Debian names),
# installed when this runs as root with apt, else named in one line before anything starts.
# NEGMINE_SKIP_MPI=1 drops Open MPI (its multi-process tests are then skipped);
# NEGMINE_NO_INSTALL=1 only checks.

negmine_missing_packages() {
  local need=()
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  [ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
  negmine_find_jdk >/dev/null 2>&1 || need+=(openjdk-25-jdk-headless)
  if [ "${NEGMINE_SKIP_MPI:-}" != 1 ]; then
    command -v mpirun >/dev/null 2>&1 || need+=(openmpi-bin)
    local lib found=""
    for lib in /usr/lib/*/libmpi.so.40 /usr/lib/libmpi.so.40; do
      [ -e "$lib" ] && found=1
    done
    [ -n "$found" ] || need+=(libopenmpi-dev)
  fi
  echo "${need[*]}"
}

# negmine_ensure_deps WHO: returns 0 when everything is there (after installing it if it can).
negmine_ensure_deps() {
  local who="$1" need
  need=$(negmine_missing_packages)
  [ -z "$need" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${NEGMINE_NO_INSTALL:-}" != 1 ]; then
    echo "$who: installing $need" >&2
    apt-get update -qq || true
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >&2 || true
    need=$(negmine_missing_packages)
    [ -z "$need" ] && return 0
  fi
  echo "$who: missing $need; install them first (apt-get install $need), or set NEGMINE_SKIP_MPI=1 to skip the Open MPI tests" >&2
  return 1
}
