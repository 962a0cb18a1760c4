import { InspectionContract } from './inspection.contract';

/**
 * The chaincode's contracts, as fabric-shim expects them exported (`contracts`). The first is
 * the default, so transaction names need no `inspection:` prefix.
 */
export const contracts = [InspectionContract];
export { InspectionContract };
