#!/usr/bin/env bash
# Builds the Swift package's binary target on a Mac: libchatlane_uniffi.a (release, without
# test-hooks) for iOS, the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64), with the
# C headers and module map of bindings/uniffi/swift/include, as ChatlaneFFI.xcframework.
#
#   bindings/uniffi/swift/ChatlaneFFI.xcframework  the local target of Package.swift (`path:`)
#   dist/swift/ChatlaneFFI.xcframework.zip         the release asset
#   dist/swift/Chatlane/                           the release package: Package.swift with the
#                                                  asset's `url:` and `checksum:`, Sources/
#
# The asset's URL is CHATLANE_SWIFT_URL, by default
# <repository>/releases/download/v<version>/ChatlaneFFI.xcframework.zip (workspace Cargo.toml).
# Needs Xcode (xcodebuild, lipo) and rustup with the five Apple targets below; fails before
# packaging when the committed Swift sources do not match the library (scripts/check-swift.sh
# --update). Runnable from any directory, with macOS's own bash 3.2.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "$(uname -s)" != Darwin ]]; then
  echo "scripts/dist-swift.sh needs macOS with Xcode (xcodebuild, lipo): the XCFramework can only be built there" >&2
  exit 1
fi
for tool in xcodebuild lipo ditto shasum rustup cargo python3; do
  command -v "$tool" >/dev/null || { echo "scripts/dist-swift.sh needs $tool on PATH" >&2; exit 1; }
done

targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin"
installed="$(rustup target list --installed)"
missing=""
for target in $targets; do
  grep -qx "$target" <<<"$installed" || missing="$missing $target"
done
if [[ -n "$missing" ]]; then
  echo "missing Rust targets; install them with: rustup target add$missing" >&2
  exit 1
fi

# [workspace.package] fields of the root Cargo.toml.
workspace_field() { python3 scripts/codegen/version.py --workspace "$1"; }
version="$(workspace_field version)"
repository="$(workspace_field repository)"
url="${CHATLANE_SWIFT_URL:-$repository/releases/download/v$version/ChatlaneFFI.xcframework.zip}"

pkg=bindings/uniffi/swift
lib=libchatlane_uniffi.a
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== uniffi-bindgen-swift (debug)"
cargo build --quiet --locked -p uniffi-bindgen

# The deployment targets of Package.swift's `platforms`, for rustc and the C code it compiles
# (ring, SQLite, mimalloc).
export IPHONEOS_DEPLOYMENT_TARGET=13.0 MACOSX_DEPLOYMENT_TARGET=10.15
for target in $targets; do
  echo "== $lib for $target (release)"
  cargo rustc --quiet --locked --release -p chatlane-uniffi --lib --target "$target" --crate-type staticlib
done

echo "== committed Swift sources == generated from the release library"
target/debug/uniffi-bindgen-swift "target/aarch64-apple-darwin/release/$lib" "$work/generated" \
  --swift-sources --headers --modulemap --module-name ChatlaneFFI --modulemap-filename module.modulemap \
  --link-frameworks Security --link-frameworks CoreFoundation >/dev/null
for committed in "$pkg/Sources/Chatlane/Chatlane.swift" "$pkg/Sources/Chatlane/ChatlaneModel.swift" \
  "$pkg/include/ChatlaneFFI/ChatlaneFFI.h" "$pkg/include/ChatlaneFFI/ChatlaneModelFFI.h" \
  "$pkg/include/ChatlaneFFI/module.modulemap"; do
  if ! cmp -s "$committed" "$work/generated/$(basename "$committed")"; then
    echo "$committed is stale: run scripts/check-swift.sh --update and commit" >&2
    exit 1
  fi
done

echo "== ChatlaneFFI.xcframework"
mkdir -p "$work/ios-simulator" "$work/macos"
lipo -create "target/aarch64-apple-ios-sim/release/$lib" "target/x86_64-apple-ios/release/$lib" \
  -output "$work/ios-simulator/$lib"
lipo -create "target/aarch64-apple-darwin/release/$lib" "target/x86_64-apple-darwin/release/$lib" \
  -output "$work/macos/$lib"
xcframework="$pkg/ChatlaneFFI.xcframework"
rm -rf "$xcframework"
# -headers: include/ holds the folder ChatlaneFFI/, so each slice has Headers/ChatlaneFFI/ and
# Xcode's shared include/ directory gets no top-level module.modulemap to clash with others'.
xcodebuild -create-xcframework \
  -library "target/aarch64-apple-ios/release/$lib" -headers "$pkg/include" \
  -library "$work/ios-simulator/$lib" -headers "$pkg/include" \
  -library "$work/macos/$lib" -headers "$pkg/include" \
  -output "$xcframework" >/dev/null

echo "== dist/swift"
mkdir -p dist/swift
zip=dist/swift/ChatlaneFFI.xcframework.zip
rm -f "$zip"
ditto -c -k --sequesterRsrc --keepParent "$xcframework" "$zip"
# SwiftPM's checksum is the zip's SHA-256; compute-checksum runs inside a package.
if command -v swift >/dev/null; then
  checksum="$(cd "$pkg" && swift package compute-checksum "$root/$zip")"
else
  checksum="$(shasum -a 256 "$zip" | cut -d' ' -f1)"
fi

# The release package: this package with the binary target at the asset's URL.
local_line='        .binaryTarget(name: "ChatlaneFFI", path: "ChatlaneFFI.xcframework"),'
release_line="        .binaryTarget(name: \"ChatlaneFFI\", url: \"$url\", checksum: \"$checksum\"),"
if ! grep -qxF "$local_line" "$pkg/Package.swift"; then
  echo "$pkg/Package.swift has no line '$local_line' to replace: update this script" >&2
  exit 1
fi
release=dist/swift/Chatlane
rm -rf "$release"
mkdir -p "$release/Sources"
cp -R "$pkg/Sources/Chatlane" "$release/Sources/"
cp LICENSE "$release/"
awk -v from="$local_line" -v to="$release_line" '$0 == from { print to; next } { print }' \
  "$pkg/Package.swift" > "$release/Package.swift"

echo "ok: $xcframework ($(du -sh "$xcframework" | cut -f1)), $zip ($(du -h "$zip" | cut -f1))"
echo "release package $release (tag it $version; upload the zip to $url); its binary target:"
echo "$release_line"
