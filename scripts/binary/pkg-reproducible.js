// Preloaded into the Node that runs pkg (node --require), to make the executable the same
// bytes on every build. pkg writes its sea-config.json into a fresh random temporary folder
// and names the SEA main script by its absolute path there; Node copies that path into the
// executable (it is the main script's file name). We rewrite the two paths to be relative
// to that folder, which is also pkg's working directory when Node reads the config, so the
// random name, and any checkout location, stays out of the binary.
'use strict';
const fsPromises = require('node:fs/promises');
const path = require('node:path');

const writeFile = fsPromises.writeFile;

fsPromises.writeFile = function writeFileWithRelativeSeaPaths(file, data, ...rest) {
  if (typeof file === 'string' && path.basename(file) === 'sea-config.json') {
    const config = JSON.parse(String(data));
    const folder = path.dirname(file);
    for (const key of ['main', 'output']) {
      if (path.dirname(config[key]) !== folder) {
        throw new Error(`pkg-reproducible: sea-config.json ${key} is outside ${folder}`);
      }
      config[key] = path.basename(config[key]);
    }
    return writeFile.call(this, file, JSON.stringify(config), ...rest);
  }
  return writeFile.call(this, file, data, ...rest);
};
