#!/bin/sh
# Restore a backup made by scripts/backup.sh into an EMPTY database and an
# empty (or missing) MEDIA_ROOT. Stop the service and workers first.
#
#   scripts/restore.sh BACKUP_FOLDER
#
# Same environment as the service and backup.sh (DATABASE_URL, MEDIA_ROOT,
# PG_BIN). PostgreSQL: create the database first (empty, owned by the role in
# DATABASE_URL); pg_restore runs as one transaction, so it restores everything
# or nothing, and objects are owned by that role. SQLite: the file must not
# exist yet. Refuses anything that is not empty: it never overwrites data.
# Afterwards `python manage.py migrate` should have nothing to apply.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BACKUP_FOLDER" >&2; exit 2; }
backup=$1
project=$(cd "$(dirname "$0")/.." && pwd)
media=${MEDIA_ROOT:-$project/media}
url=${DATABASE_URL:-}
pg_bin=${PG_BIN:+$PG_BIN/}

[ -f "$backup/SHA256SUMS" ] || { echo "$backup has no SHA256SUMS" >&2; exit 1; }
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) ||
    { echo "$backup is damaged: checksums differ" >&2; exit 1; }

if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
    echo "MEDIA_ROOT $media is not empty; move it aside first" >&2
    exit 1
fi

case $url in
postgres://* | postgresql://*)
    [ -f "$backup/database.dump" ] || { echo "no database.dump in $backup" >&2; exit 1; }
    tables=$("${pg_bin}psql" -X -A -t -v ON_ERROR_STOP=1 --dbname="$url" -c \
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')")
    if [ "$tables" != 0 ]; then
        echo "the database is not empty ($tables tables); drop and create it first" >&2
        exit 1
    fi
    "${pg_bin}pg_restore" --no-owner --no-privileges --single-transaction \
        --exit-on-error --dbname="$url" "$backup/database.dump"
    ;;
'' | sqlite://*)
    [ -f "$backup/database.sqlite3" ] || { echo "no database.sqlite3 in $backup" >&2; exit 1; }
    if [ -z "$url" ]; then
        db="$project/db.sqlite3"
    else
        db=${url#sqlite://}
        db=${db#/}
    fi
    for f in "$db" "$db-wal" "$db-shm" "$db-journal"; do
        [ ! -e "$f" ] || { echo "$f exists; move it aside first" >&2; exit 1; }
    done
    mkdir -p "$(dirname "$db")"
    cp "$backup/database.sqlite3" "$db.restoring"
    mv "$db.restoring" "$db"
    ;;
*)
    echo "DATABASE_URL must be postgres://..., sqlite://... or unset" >&2
    exit 1
    ;;
esac

mkdir -p "$media"
tar -C "$media" --no-same-owner -xzf "$backup/media.tar.gz"
echo "restored $backup"
