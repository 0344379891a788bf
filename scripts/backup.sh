#!/bin/sh
# Back up the database and MEDIA_ROOT (the evidence files and packs) into a new
# folder DEST/lp-YYYYMMDDTHHMMSSZ, then keep only the newest KEEP backups.
#
#   scripts/backup.sh DEST [KEEP]        (KEEP defaults to 14)
#
# Reads the same environment as the service:
#   DATABASE_URL  postgres://user:password@host:5432/name: pg_dump --format=custom
#                 unset or sqlite:///path: a consistent copy of the SQLite file,
#                 taken with SQLite's online backup API (safe while the service runs)
#   MEDIA_ROOT    default: media/ in the project folder
#   PG_BIN        optional folder of pg_dump (its major version must be at least
#                 the server's), e.g. /usr/lib/postgresql/15/bin
#
# The database is copied first, then MEDIA_ROOT, so every file a backed-up row
# names is in the archive. A backup is written under a .partial- name and
# renamed only when complete; SHA256SUMS lists its files. Prints the folder.
set -eu

usage() {
    echo "usage: $0 DEST [KEEP]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
dest=$1
keep=${2:-14}
case $keep in '' | *[!0-9]*) usage ;; esac
[ "$keep" -ge 1 ] || usage

project=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
[ -x "$project/.venv/bin/python" ] && python=${PYTHON:-$project/.venv/bin/python}
media=${MEDIA_ROOT:-$project/media}
url=${DATABASE_URL:-}
pg_bin=${PG_BIN:+$PG_BIN/}

mkdir -p "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dest/lp-$stamp"
work="$dest/.partial-lp-$stamp"
[ ! -e "$final" ] || { echo "$final already exists" >&2; exit 1; }
rm -rf "$work"
mkdir "$work"
trap 'rm -rf "$work"' EXIT

case $url in
postgres://* | postgresql://*)
    "${pg_bin}pg_dump" --format=custom --compress=6 --file="$work/database.dump" \
        --dbname="$url"
    ;;
'' | sqlite://*)
    if [ -z "$url" ]; then
        db="$project/db.sqlite3"
    else
        db=${url#sqlite://}
        db=${db#/} # sqlite:///relative or sqlite:////absolute
    fi
    [ -f "$db" ] || { echo "no SQLite database at $db" >&2; exit 1; }
    "$python" - "$db" "$work/database.sqlite3" <<'EOF'
import sqlite3, sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)  # one consistent snapshot, even with writers
source.close()
result = target.execute("PRAGMA integrity_check").fetchone()[0]
target.close()
if result != "ok":
    sys.exit(f"integrity check of the copy failed: {result}")
EOF
    ;;
*)
    echo "DATABASE_URL must be postgres://..., sqlite://... or unset" >&2
    exit 1
    ;;
esac

if [ -d "$media" ]; then
    tar -C "$media" -czf "$work/media.tar.gz" .
else
    echo "note: MEDIA_ROOT $media does not exist; backing up no files" >&2
    tar -czf "$work/media.tar.gz" -T /dev/null
fi

(cd "$work" && sha256sum database.* media.tar.gz >SHA256SUMS)
mv "$work" "$final"
trap - EXIT

# Keep the newest $keep complete backups (the names sort by time).
ls -1d "$dest"/lp-*Z 2>/dev/null | sort -r | tail -n +"$((keep + 1))" |
    while IFS= read -r old; do rm -rf "$old"; done

echo "$final"
