/**
 * The layering of DESIGN.md §2, checked by a tool rather than by good intentions.
 * src → npm libraries only; chaincode → src; gateway → src (and chaincode only inside the embedded ledger adapter).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'src-is-pure',
      comment: 'src/ is the pure domain core: it imports npm libraries and its own files only.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(chaincode|gateway|network|tests|bench)/' },
    },
    {
      name: 'src-no-io-modules',
      comment: 'src/ may hash (node:crypto) but never touch disks, network, processes or timers.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['core'], pathNot: '^(crypto|node:crypto)$' },
    },
    {
      name: 'chaincode-knows-src-only',
      comment: 'chaincode/ knows nothing of HTTP or the gateway.',
      severity: 'error',
      from: { path: '^chaincode/' },
      to: { path: '^(gateway|network|tests|bench)/' },
    },
    {
      name: 'chaincode-no-http',
      severity: 'error',
      from: { path: '^chaincode/' },
      to: { path: 'node_modules/(express|pino-http|better-sqlite3|@hyperledger/fabric-gateway)/' },
    },
    {
      name: 'gateway-reaches-chaincode-only-in-embedded-ledger',
      comment: 'Only the embedded ledger adapter runs the contract classes in-process.',
      severity: 'error',
      from: { path: '^gateway/', pathNot: '^gateway/ledger/embedded/' },
      to: { path: '^chaincode/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: '^(src|chaincode|gateway)/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
