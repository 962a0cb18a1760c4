/**
 * The MSP ids of the network's two member organisations: enterprises (企业) and market
 * regulators (市场监管). The chaincode grants roles only to certificates of the organisation
 * entitled to them, and the embedded ledger issues certificates under the same ids.
 */
export const ENTERPRISE_MSP = 'EnterpriseMSP';
export const REGULATOR_MSP = 'RegulatorMSP';
