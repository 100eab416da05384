#!/bin/sh
# Re-vendors the GraphiQL explorer's browser assets from npm into this
# directory (they are embedded with go:embed, so /v1/graphql works offline),
# with the licences of every package the GraphiQL bundle contains.
# Usage: sh api/graph/graphiql/vendor.sh   (needs node and npm)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent \
	graphiql@3.8.3 react@18.3.1 react-dom@18.3.1 graphql@16.11.0 graphql-ws@5.16.2
nm=$tmp/node_modules
cp "$nm/graphiql/graphiql.min.js" "$nm/graphiql/graphiql.min.css" \
	"$nm/react/umd/react.production.min.js" "$nm/react-dom/umd/react-dom.production.min.js" \
	"$nm/graphql-ws/umd/graphql-ws.min.js" "$dir/"
out=$dir/THIRD_PARTY_LICENSES.txt
{
	echo "Licences of the vendored browser assets (graphiql.min.js bundles the packages listed after react-dom)."
	echo
	pkgs=$(grep -o '"\.\./\.\./\.\./node_modules/[^"]*' "$nm/graphiql/graphiql.min.js" |
		sed -E 's#"../../../node_modules/((@[^/]+/)?[^/]+)/.*#\1#' | sort -u)
	for p in graphiql @graphiql/react @graphiql/toolkit graphql-language-service codemirror-graphql \
		react react-dom graphql-ws $pkgs; do
		pj=$nm/$p/package.json
		[ -f "$pj" ] || { echo "== $p: bundled by graphiql; not installed here, see its npm page"; echo; continue; }
		v=$(node -p "const j=require('$pj'); j.version + ' (' + (j.license||'') + ')'")
		echo "== $p $v"
		lic=$(ls "$nm/$p" | grep -iE '^(licen[cs]e|copying)' | head -1 || true)
		if [ -n "$lic" ]; then cat "$nm/$p/$lic"; else echo "(no licence file in the package)"; fi
		echo
	done
} >"$out"
echo "vendored into $dir"
