// Entry of the single executable. pkg starts this file; it prepares native addon loading for a
// service user (see native-addon-cache.js) and then runs the router's own entry as the main
// module, so that router/dist/main.js behaves exactly as under `node router/dist/main.js`
// (require.main, process.argv[1]) and every command-line argument reaches the router.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { installNativeAddonCache } = require('./native-addon-cache.js');

installNativeAddonCache();

const routerMain = path.join(__dirname, 'router', 'dist', 'main.js');
process.argv[1] = routerMain;
Module.runMain(routerMain);
