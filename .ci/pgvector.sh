#!/usr/bin/env bash
# Build and install pgvector for the local PostgreSQL from Debian's source package (bookworm has no binary for PG 15).
set -euo pipefail
PG_MAJOR=$(psql -h 127.0.0.1 -U postgres -tAc "show server_version_num" | cut -c1-2)
if [ -f "/usr/share/postgresql/${PG_MAJOR}/extension/vector.control" ]; then
  echo "pgvector already installed for PostgreSQL ${PG_MAJOR}"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/desk-pgvector-src.sources
cat > "$src" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
trap 'rm -f "$src"; apt-get update -qq >/dev/null 2>&1 || true' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends dpkg-dev make gcc "postgresql-server-dev-${PG_MAJOR}" >/dev/null
work=$(mktemp -d)
( cd "$work" && apt-get source -qq --download-only pgvector >/dev/null && dpkg-source -x --no-check ./*.dsc pgvector >/dev/null )
make -C "$work/pgvector" -s PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" OPTFLAGS="" >/dev/null
make -C "$work/pgvector" -s PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" install >/dev/null
rm -rf "$work"
echo "pgvector built and installed for PostgreSQL ${PG_MAJOR}"
