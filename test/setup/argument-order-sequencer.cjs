// Runs test files in the order they were named on the command line (Jest's default sorts by
// past duration and size), to reproduce order-dependent failures:
//   npx jest --runInBand --testSequencer ./test/setup/argument-order-sequencer.cjs a.spec.ts b.e2e-spec.ts
const { resolve } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

class ArgumentOrderSequencer extends Sequencer {
  sort(tests) {
    const named = process.argv.filter((arg) => /\.(e2e-)?spec\.ts$/.test(arg)).map((arg) => resolve(arg));
    const rank = (path) => (named.indexOf(path) === -1 ? named.length : named.indexOf(path));
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = ArgumentOrderSequencer;
