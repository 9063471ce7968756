// Copies the non-TypeScript files the router reads at run time (the WSDL, the published JSON
// Schema, the generated vim25 type table) next to the compiled code, keeping their folders.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const sourceRoot = path.join(__dirname, '..', 'router', 'src');
const distRoot = path.join(__dirname, '..', 'router', 'dist');
const assetEndings = ['.wsdl', '.xsd', '.schema.json', '.generated.json'];

function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      copyAssets(from);
    } else if (assetEndings.some((ending) => entry.name.endsWith(ending))) {
      const to = path.join(distRoot, path.relative(sourceRoot, from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}

copyAssets(sourceRoot);

// --version reports the commit; a tree without git (an unpacked tarball) says so.
function gitCommit() {
  try {
    const { execFileSync } = require('node:child_process');
    const options = { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] };
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], options).toString().trim();
  } catch {
    return 'unknown';
  }
}
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
const buildInfo = { version: manifest.version, commit: gitCommit() };
fs.writeFileSync(
  path.join(distRoot, 'build-info.generated.json'),
  JSON.stringify(buildInfo) + '\n',
);
