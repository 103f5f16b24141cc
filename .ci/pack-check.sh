#!/usr/bin/env bash
# Packs every library and the CLI tool into a local feed, then checks them as a user would:
#   1. each package has its .nupkg and .snupkg, README.md, LICENSE and XML docs;
#   2. the tool installs from the feed into a temporary folder and runs (`--version` must print the packed version)
#      and a short DQN training;
#   3. a new console project restores Bellman.Algorithms from the feed and trains DQN through the API.
# A unique pre-release version per run keeps NuGet's global cache from serving an older build;
# the cache entries of that version are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

base=$(dotnet msbuild src/Bellman.Core/Bellman.Core.csproj -getProperty:Version)
version="$base-pack.$(date -u +%Y%m%d%H%M%S)"
work=$(mktemp -d)
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
packages=(Bellman.Randomness Bellman.Core Bellman.Environments Bellman.Nn Bellman.Algorithms Bellman.Backgammon Bellman.Cli)
cleanup() {
  rm -rf "$work"
  for p in "${packages[@]}"; do rm -rf "$cache/${p,,}/$version"; done
}
trap cleanup EXIT
feed="$work/feed"

echo "== pack $version"
for p in "${packages[@]}"; do
  dotnet pack "src/$p/$p.csproj" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done

# The entry names of a zip file, one per line (unzip where installed, else Python's zipfile).
entries() {
  if command -v unzip >/dev/null; then unzip -Z1 "$1"
  else python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; fi
}

echo "== package contents"
for p in "${packages[@]}"; do
  nupkg="$feed/$p.$version.nupkg"
  [[ -f "$nupkg" ]] || { echo "missing $nupkg"; exit 1; }
  [[ -f "$feed/$p.$version.snupkg" ]] || { echo "missing symbols package $p.$version.snupkg"; exit 1; }
  listing=$(entries "$nupkg")
  for entry in README.md LICENSE; do
    grep -qx "$entry" <<<"$listing" || { echo "$p: $entry is not in the package"; exit 1; }
  done
  if [[ $p == Bellman.Cli ]]; then
    grep -qx "tools/net10.0/any/bellman.dll" <<<"$listing" || { echo "Bellman.Cli is not packed as a dotnet tool"; exit 1; }
  else
    grep -qx "lib/net10.0/$p.xml" <<<"$listing" || { echo "$p: XML docs are not in the package"; exit 1; }
  fi
  echo "$p: nupkg + snupkg, README, LICENSE, $( [[ $p == Bellman.Cli ]] && echo 'dotnet tool' || echo 'XML docs')"
done

echo "== install the tool from the feed"
dotnet tool install Bellman.Cli --tool-path "$work/tools" --add-source "$feed" --version "$version" >/dev/null
bellman="$work/tools/bellman"
installed=$("$bellman" --version)
[[ "$installed" == "$version" ]] || { echo "the installed tool says --version $installed, expected $version"; exit 1; }
echo "installed tool: bellman $installed"
"$bellman" train dqn --env CartPole-v1 --seed 0 --steps 600 --set learning_starts=200 --out "$work/run" >/dev/null
[[ -d "$work/run" ]] || { echo "the installed tool's training wrote no run folder"; exit 1; }
echo "installed tool trained DQN for 600 steps into a run folder"

echo "== a library user restores the packages from the feed"
consumer="$work/consumer"
mkdir -p "$consumer"
cat >"$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="bellman-local" value="$feed" />
  </packageSources>
</configuration>
XML
cat >"$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Bellman.Algorithms" Version="$version" />
  </ItemGroup>
</Project>
XML
cat >"$consumer/Program.cs" <<'CS'
using Bellman;
using Bellman.Algorithms.ValueBased;

var options = new DqnOptions { TotalSteps = 600, LearningStarts = 200, EvalFrequency = 0 };
using var model = new Dqn("CartPole-v1", options, seed: 0);
var state = model.Learn().State;
if (state.Step != options.TotalSteps) throw new Exception($"trained {state.Step} steps, expected {options.TotalSteps}");
model.Save("model");
using var loaded = Dqn.Load("model");
Console.WriteLine($"library DQN: {state.Step} steps, {state.Episodes} episodes, {state.Updates} updates; reloaded, action {loaded.Predict(new float[4])}");
CS
# The consumer lives outside the repository, so Directory.Build.props and Directory.Packages.props do not apply.
dotnet run --project "$consumer/Consumer.csproj" -c Release
echo "pack-check passed"
