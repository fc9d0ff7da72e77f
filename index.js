// Zapier's CommonJS wrapper loads ./index.js from the zip root, and the build packs only what
// this file requires. The app itself is index.ts, compiled to dist/ by `_zapier-build`.
module.exports = require('./dist/index.js');
