# Sourced by .ci/run: make a PostgreSQL server available on 127.0.0.1 and export T2_TEST_POSTGRES_URL.
# (Filled in by the storage work; a no-op until then.)
true
