/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // The real-network suites run with jest.fabric.config.js (npm run test:fabric).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/fabric/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/tests/setup/quiet-fabric-logs.ts'],
  testTimeout: 30000,
};
