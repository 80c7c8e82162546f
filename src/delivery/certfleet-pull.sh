#!/bin/sh
# certfleet-pull — installed by certfleet (cert_deploy method: pull).
# Moves a certificate that an unprivileged deploy user pushed into DROP into DEST, after checking it
# against the MANIFEST (sha256sum format) the push wrote last. Run from cron or a systemd timer.
# Usage: certfleet-pull [-g GROUP] DROP DEST [RELOAD COMMAND...]
set -eu
group=''
if [ "${1:-}" = -g ]; then group="$2"; shift 2; fi
drop="$1"; dest="$2"; shift 2
[ -f "$drop/MANIFEST" ] || exit 0
cd "$drop"
names=$(awk '{print $2}' MANIFEST)
for f in $names; do
  case "$f" in cert.pem|chain.pem|fullchain.pem|privkey.pem|combined.pem) ;;
  *) echo "certfleet-pull: unexpected file name '$f' in $drop/MANIFEST" >&2; exit 1 ;;
  esac
done
sha256sum -c --quiet MANIFEST || { echo "certfleet-pull: checksum mismatch in $drop, nothing installed" >&2; exit 1; }
mkdir -p -m 755 "$dest"
# keep the set being replaced, as the copy method does
rm -rf "$dest/.prev.new"; mkdir -m 700 "$dest/.prev.new"
for f in $names; do if [ -f "$dest/$f" ]; then cp -p "$dest/$f" "$dest/.prev.new/"; fi; done
rm -rf "$dest/.prev"; mv "$dest/.prev.new" "$dest/.prev"
for f in $names; do
  case "$f" in privkey.pem|combined.pem) mode=600 ;; *) mode=644 ;; esac
  tmp="$dest/.$f.certfleet-pull"
  # a copy, not a move: the drop files belong to the deploy user and must not stay writable by them
  cp "$f" "$tmp"; chown 0:0 "$tmp"; chmod "$mode" "$tmp"
  if [ -n "$group" ]; then chgrp "$group" "$tmp"; fi
  mv -f "$tmp" "$dest/$f"
done
mv -f MANIFEST .deployed
chmod 644 .deployed
for f in $names; do rm -f "$f"; done
echo "certfleet-pull: installed $(echo $names) into $dest"
if [ $# -gt 0 ]; then sh -c "$*"; fi
