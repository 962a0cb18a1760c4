/**
 * The end-to-end suites on the real Fabric network (`npm run test:fabric`, which brings the
 * network up first). One worker: the suites share one network.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/fabric'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
  maxWorkers: 1,
};
