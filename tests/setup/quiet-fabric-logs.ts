// fabric-contract-api and fabric-shim log every decorator at info level through winston; tests
// want only their errors.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'error';
