#!/usr/bin/env bash
# Regenerates test/fixtures/inventory/ok/<case>/expected.json (and expected.graph.txt) with the real
# `ansible-inventory` (ansible-core 2.14), so the loader is compared against Ansible itself.
# Each case lists its `-i` sources, one per line relative to the case directory, in `sources`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/inventory/ok"
export ANSIBLE_NOCOLOR=1 ANSIBLE_CONFIG=/nonexistent/ansible.cfg ANSIBLE_LOCAL_TEMP="${TMPDIR:-/tmp}/certfleet-ansible-$$"
trap 'rm -rf "$ANSIBLE_LOCAL_TEMP"' EXIT
for dir in "$root"/*/; do
  case_name="$(basename "$dir")"
  args=()
  while IFS= read -r src; do
    [ -n "$src" ] && args+=(-i "$src")
  done < "$dir/sources"
  (
    cd "$dir"
    ansible-inventory "${args[@]}" --list > expected.json
    ansible-inventory "${args[@]}" --graph --vars > expected.graph.txt
  )
  echo "regenerated $case_name"
done
