#!/bin/sh
# Every file POTFILES.in lists exists and xgettext reads it; every source file with a
# translatable string is listed (a file moved or added without it ships untranslatable).
# Usage: check-potfiles.sh SOURCE_ROOT
set -eu
root=$1
list=$root/assets/po/POTFILES.in
status=0

for f in $(grep -v '^#' "$list"); do
  if [ ! -f "$root/$f" ]; then
    echo "POTFILES.in lists $f, which does not exist"
    status=1
  fi
done
cd "$root"
for f in $(grep -lE '(^|[^A-Za-z_])(N?_|ngettext) ?\("|translatable="yes"' \
             app/*.c ui/*.c ui/*.ui ui/gtk/*.ui 2>/dev/null); do
  if ! grep -qx "$f" "$list"; then
    echo "$f has translatable strings but is not in assets/po/POTFILES.in"
    status=1
  fi
done
[ $status -eq 0 ] || exit $status

out=$(mktemp)
trap 'rm -f "$out"' EXIT
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
  --files-from="$list" --directory="$root" --output="$out"
echo "ok: $(grep -c '^msgid ' "$out") messages from $(grep -vc '^#' "$list") files"
