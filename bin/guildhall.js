#!/usr/bin/env node
// The `guildhall` operator command. Builds dist/ first when the sources changed.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-needed'], { stdio: ['ignore', 2, 2] });
require(join(root, 'dist', 'apps', 'cli', 'main.js'));
