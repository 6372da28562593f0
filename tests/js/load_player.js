// Loads the player's plain scripts into a fake window, as <script src> tags do in a page.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ASSETS = path.join(__dirname, '..', '..', 'site_templates', 'assets');
/** Every script up to the DOM: what node can run. */
const DOM_FREE = ['codec.js', 'geometry.js', 'model.js'];

/** A fresh `window` holding what `names` (in load order) add to it. */
function loadPlayer(names = DOM_FREE) {
  const window = {};
  for (const name of names) {
    const file = path.join(ASSETS, name);
    // Same line numbers as the file: the wrapper opens on its first line.
    const script = vm.runInThisContext(`(function (window) {${fs.readFileSync(file, 'utf8')}\n})`, { filename: file });
    script(window);
  }
  return window;
}

module.exports = { ASSETS, loadPlayer };
