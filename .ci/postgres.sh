# Sourced by .ci/run (bash, set -euo pipefail, as root): make a PostgreSQL server available on
# 127.0.0.1:5432 for the storage tests and export T2_TEST_POSTGRES_URL.
#
# - T2_TEST_POSTGRES_URL already set: nothing to do (your own server).
# - Otherwise: install Debian's postgresql if missing, create/start its cluster if no server
#   listens on 127.0.0.1:5432, then create the role and database t2test (idempotent).
# A failure here does not stop CI: the PostgreSQL tests then fail and say why.

t2_pg_listening() {
  (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

t2_pg_psql() {
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -tA "$@"
}

t2_pg_setup() {
  local version
  if ! t2_pg_listening; then
    if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
      echo "postgres.sh: installing PostgreSQL from Debian's packages..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null || return 1
      apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
    fi
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    if ! pg_lsclusters -h | awk '{print $1 " " $2}' | grep -qx "$version main"; then
      pg_createcluster "$version" main -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null \
        || return 1
    fi
    if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
      pg_ctlcluster "$version" main start || return 1
    fi
    for _ in $(seq 1 60); do
      t2_pg_listening && break
      sleep 0.5
    done
    t2_pg_listening || { echo "postgres.sh: the server did not start" >&2; return 1; }
  fi
  id postgres >/dev/null 2>&1 || { echo "postgres.sh: a server runs on 5432 but it is not this" \
    "machine's Debian cluster; set T2_TEST_POSTGRES_URL" >&2; return 1; }
  if [ "$(t2_pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = 't2test'")" != "1" ]; then
    t2_pg_psql -c "CREATE ROLE t2test LOGIN PASSWORD 't2test'" || return 1
  fi
  if [ "$(t2_pg_psql -c "SELECT 1 FROM pg_database WHERE datname = 't2test'")" != "1" ]; then
    t2_pg_psql -c "CREATE DATABASE t2test OWNER t2test" || return 1
  fi
  export T2_TEST_POSTGRES_URL="postgresql+psycopg://t2test:t2test@127.0.0.1:5432/t2test"
}

if [ -z "${T2_TEST_POSTGRES_URL:-}" ]; then
  if t2_pg_setup; then
    echo "postgres.sh: PostgreSQL ready for the tests (T2_TEST_POSTGRES_URL set)" >&2
  else
    echo "postgres.sh: WARNING: no PostgreSQL for the tests; the PostgreSQL tests will fail" >&2
  fi
fi
