#!/usr/bin/env bash
# Formats every C/C++ source of the project with the checked-in .clang-format.
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   change nothing; list the files that differ from the formatted
#                               version and exit 1 when there is one (CI runs this before it builds)
# The sources are the files git tracks under app/ bench/ core/ python/ tests/ ui/ validate/
# (build directories and anything untracked are never touched). Outside a git checkout the
# same folders are searched instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=format
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "format.sh: unknown option '$1' (use --check or nothing)" >&2; exit 2 ;;
esac

CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "format.sh: $CLANG_FORMAT not found (scripts/install-deps.sh installs clang-format)" >&2
  exit 2
fi

DIRS=(app bench core python tests ui validate)
files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files -z -- "${DIRS[@]/%//*.cpp}" "${DIRS[@]/%//*.h}")
else
  while IFS= read -r -d '' f; do files+=("$f"); done \
    < <(find "${DIRS[@]}" -type f \( -name '*.cpp' -o -name '*.h' \) -print0 2>/dev/null)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "format.sh: no sources found" >&2
  exit 2
fi

if [ "$mode" = format ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$CLANG_FORMAT" -i --style=file
  echo "format.sh: formatted ${#files[@]} files"
  exit 0
fi

# --check: one clang-format process per 50 files (--dry-run --Werror reports every place
# that would change); the files named in its report are listed, and any report fails.
report="$(printf '%s\0' "${files[@]}" \
  | xargs -0 -n 50 "$CLANG_FORMAT" --style=file --dry-run --Werror --ferror-limit=1 2>&1)" || true
if [ -n "$report" ]; then
  differ="$(printf '%s\n' "$report" | sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)"
  if [ -z "$differ" ]; then # not a formatting report: clang-format itself failed
    printf '%s\n' "$report" >&2
    exit 2
  fi
  echo "format.sh --check: $(printf '%s\n' "$differ" | wc -l) of ${#files[@]} files are not formatted (run scripts/format.sh):" >&2
  printf '  %s\n' $differ >&2
  exit 1
fi
echo "format.sh --check: all ${#files[@]} files formatted"
