#!/usr/bin/env bash
# Builds the documentation site (docs/docfx.json: the guides and the API reference generated from the XML docs
# of the library packages) with docfx, the dotnet tool pinned in .config/dotnet-tools.json, and fails on:
#   - a broken link or an unresolved cross-reference (docfx's warnings are errors);
#   - a public type with no documentation. (Members without XML docs already fail the build: the libraries
#     generate their XML docs with warnings as errors, so CS1591 stops them.)
# It reads the Release builds the test command has just made (building them when absent); the site goes to
# docs/_site and the generated metadata to docs/api/*.yml, both git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for p in Randomness Core Environments Nn Algorithms Backgammon Distributed; do
  [[ -f "src/Bellman.$p/bin/Release/net10.0/Bellman.$p.xml" ]] || dotnet build "src/Bellman.$p" -c Release --nologo -v quiet
done
dotnet tool restore >/dev/null
rm -rf docs/_site docs/api/*.yml
dotnet docfx docs/docfx.json --warningsAsErrors --logLevel warning

# Every type of the API has a summary (namespaces have none; members are the compiler's business, see above).
awk '
  FNR == 1 { flush(); section = "" }
  /^items:/ { section = "items"; next }
  /^references:/ { flush(); section = ""; next }
  section == "items" && /^- uid: / { flush(); uid = substr($0, 8); summary = 0; type = ""; next }
  section == "items" && /^  summary:/ { summary = 1 }
  section == "items" && /^  type: / { type = $2 }
  function flush() {
    if (uid != "" && !summary && type ~ /^(Class|Struct|Interface|Enum|Delegate)$/) { print "undocumented " tolower(type) ": " uid; missing++ }
    uid = ""
  }
  END { flush(); if (missing) { print missing " undocumented type(s)"; exit 1 } }
' docs/api/*.yml
pages=$(find docs/_site -name '*.html' | wc -l)
echo "docs-check passed: $pages pages in docs/_site"
