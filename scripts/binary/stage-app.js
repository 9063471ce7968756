// Lays out the folder that pkg turns into the single executable: the compiled router, the
// production packages of package-lock.json copied from node_modules, our launcher, and
// better-sqlite3's addon compiled for the embedded Node (node_modules keeps its own copy,
// built for the Node that runs the tests). pkg walks this folder instead of the project so
// that the two addons never meet.
//
// Usage: node stage-app.js --project DIR --router-dist DIR --addon FILE --node-version X.Y.Z
//        --out DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ADDON_PACKAGE = 'node_modules/better-sqlite3';
const ADDON_PATH = `${ADDON_PACKAGE}/build/Release/better_sqlite3.node`;
// Only what better-sqlite3 loads at run time; its C sources and Node-20 build stay behind.
const ADDON_PACKAGE_KEEP = new Set(['package.json', 'LICENSE', 'lib']);
const LAUNCHER_FILES = ['launcher.js', 'native-addon-cache.js'];

function parseArguments(argv) {
  const wanted = ['project', 'router-dist', 'addon', 'node-version', 'out'];
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!wanted.includes(name) || argv[i + 1] === undefined) {
      throw new Error(`stage-app: unknown or incomplete argument ${argv[i]}`);
    }
    options[name] = argv[i + 1];
  }
  for (const name of wanted) {
    if (!options[name]) throw new Error(`stage-app: --${name} is required`);
  }
  return options;
}

/** The package folders (relative paths like node_modules/a/node_modules/b) npm installs
 * for production, read from the lock file so the list is the same on every machine. */
function productionPackagePaths(projectDir) {
  const lockFile = path.join(projectDir, 'package-lock.json');
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  return Object.entries(lock.packages)
    .filter(([packagePath, entry]) => packagePath !== '' && !entry.dev && !entry.link)
    .map(([packagePath, entry]) => ({ packagePath, optional: Boolean(entry.optional) }))
    .sort((a, b) => a.packagePath.localeCompare(b.packagePath));
}

function copyPackage(projectDir, outDir, packagePath) {
  const from = path.join(projectDir, packagePath);
  const isAddonPackage = packagePath === ADDON_PACKAGE;
  fs.cpSync(from, path.join(outDir, packagePath), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const relative = path.relative(from, source);
      const top = relative.split(path.sep)[0];
      // Nested packages are entries of their own in the lock file.
      if (top === 'node_modules') return false;
      if (isAddonPackage && relative !== '' && !ADDON_PACKAGE_KEEP.has(top)) return false;
      return true;
    },
  });
}

function copyProductionPackages(projectDir, outDir) {
  const missing = [];
  for (const { packagePath, optional } of productionPackagePaths(projectDir)) {
    if (!fs.existsSync(path.join(projectDir, packagePath))) {
      // npm skips optional packages meant for other platforms; that is not an error.
      if (!optional) missing.push(packagePath);
      continue;
    }
    copyPackage(projectDir, outDir, packagePath);
  }
  if (missing.length > 0) {
    throw new Error(`stage-app: not installed (run npm ci): ${missing.join(', ')}`);
  }
}

function copyRouterDist(routerDist, outDir) {
  if (!fs.existsSync(path.join(routerDist, 'main.js'))) {
    throw new Error(`stage-app: ${path.join(routerDist, 'main.js')} is missing (npm run build)`);
  }
  fs.cpSync(routerDist, path.join(outDir, 'router', 'dist'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });
}

/** pkg reads its settings from the package.json of the folder it packs. The name and version
 * stay the project's, since the router may read them to answer --version. */
function writePackageJson(projectDir, outDir, nodeVersion) {
  const project = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
  const staged = {
    name: project.name,
    version: project.version,
    description: project.description,
    license: project.license,
    private: true,
    main: 'launcher.js',
    bin: 'launcher.js',
    pkg: {
      // The launcher starts main.js without a literal require, so pkg must be told about it;
      // from there pkg follows the requires into node_modules.
      scripts: ['router/dist/**/*.js'],
      // Files read at run time by path rather than required: our WSDL, schemas, type tables,
      // and the addon (found by the bindings package, which builds its path at run time).
      assets: ['router/dist/**/*.{wsdl,xsd,json}', ADDON_PATH],
      targets: [`node${nodeVersion}-linux-x64`],
    },
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const outDir = path.resolve(options.out);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  copyProductionPackages(options.project, outDir);
  copyRouterDist(options['router-dist'], outDir);

  for (const file of LAUNCHER_FILES) {
    fs.copyFileSync(path.join(__dirname, file), path.join(outDir, file));
  }
  fs.mkdirSync(path.dirname(path.join(outDir, ADDON_PATH)), { recursive: true });
  fs.copyFileSync(options.addon, path.join(outDir, ADDON_PATH));

  writePackageJson(options.project, outDir, options['node-version']);
}

try {
  main();
} catch (error) {
  // Our own errors already say what is wrong; a stack trace would only bury the line.
  const message = error.message.startsWith('stage-app:')
    ? error.message
    : `stage-app: ${error.message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
