'use strict';
// Finds the native leakhound binary: LEAKHOUND_BINARY when set, else the one
// in the platform package npm installed beside this one (esbuild's layout:
// one optional dependency per platform, npm skips the others by os and cpu).
const path = require('path');
const fs = require('fs');

const platforms = {
  'linux x64': '@leakhound/linux-x64',
  'linux arm64': '@leakhound/linux-arm64',
  'darwin x64': '@leakhound/darwin-x64',
  'darwin arm64': '@leakhound/darwin-arm64',
  'win32 x64': '@leakhound/win32-x64',
};

function binaryPath() {
  const override = process.env.LEAKHOUND_BINARY;
  if (override) return override;
  const key = `${process.platform} ${process.arch}`;
  const pkg = platforms[key];
  if (!pkg) {
    throw new Error(`leakhound has no prebuilt binary for ${key}; build it with Go (go install github.com/leakhound/leakhound/cmd/leakhound@latest) and set LEAKHOUND_BINARY to its path`);
  }
  const exe = process.platform === 'win32' ? 'leakhound.exe' : 'leakhound';
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`leakhound: the package ${pkg} is not installed (npm skips optional dependencies with --no-optional or --omit=optional); reinstall leakhound without that flag, or set LEAKHOUND_BINARY`);
  }
  const bin = path.join(dir, 'bin', exe);
  if (!fs.existsSync(bin)) throw new Error(`leakhound: ${bin} is missing; reinstall ${pkg}`);
  return bin;
}

module.exports = { binaryPath, platforms };
