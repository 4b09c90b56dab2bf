#!/bin/sh
# Rebuild src/umkm_kg/web/static/vendor/codemirror/editor.min.js from the pinned npm packages
# of webjs/package-lock.json (CodeMirror 6, codemirror-lang-sparql, bundled by esbuild), and
# gather their licences beside it. Needs node and npm; run from anywhere (`make editor-js`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/umkm_kg/web/static/vendor/codemirror"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/editor.src.js" "$tmp/"
cd "$tmp"
npm ci --no-audit --no-fund --silent
mkdir -p "$out"
./node_modules/.bin/esbuild editor.src.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --outfile="$out/editor.min.js"
: > "$out/LICENSE"
for dir in node_modules/@codemirror/* node_modules/@lezer/* node_modules/@marijn/* \
    node_modules/codemirror-lang-sparql node_modules/crelt node_modules/style-mod \
    node_modules/w3c-keyname; do
  name=$(node -p "require('./$dir/package.json').name + ' ' + require('./$dir/package.json').version + ' (' + require('./$dir/package.json').license + ')'")
  printf '== %s ==\n' "$name" >> "$out/LICENSE"
  cat "$dir"/LICENSE* >> "$out/LICENSE" 2>/dev/null || echo "(no licence file in the package)" >> "$out/LICENSE"
  printf '\n' >> "$out/LICENSE"
done
ls -l "$out"
