/**
 * Keeps fabric-shim's parameter handling from re-doing per call what it could do once.
 *
 * For every string argument of every transaction, the shim's `DataMarshall.handleParameters` formats
 * four debug messages whether or not debug is on (`util.inspect` of the argument bytes and
 * `JSON.stringify` of the decoded argument, of its schema and of the parameter), and asks ajv to
 * compile the parameter's schema again, which ajv answers from its cache only after serializing the
 * schema to look it up. Embedded, where every report passes through it, that was about 8 % of the
 * simulation worker's time.
 *
 * This replaces `handleParameters` on the given chaincode's own marshalls (not on the class, so a
 * chaincode built elsewhere in the process is untouched) with one that does the same checks in the
 * same order and throws the same errors: the argument count, the type information, the conversion
 * by the marshall's own serializer (`fromWireBuffer`), and validation against the same schema by the
 * marshall's own ajv, compiled once per parameter. A parameter whose schema is a `$ref` is left to
 * the shim's code, because its serializer amends the referenced schema on first use; this chaincode
 * has none (its arguments are JSON strings parsed by zod inside the contract). The debug messages
 * are written as before when the shim's debug level is on; the shim's error line for a wrong
 * argument count is not (the embedded peer silences the shim's loggers, see `shim.loggers.ts`).
 */

/** One parameter as fabric-contract-api's metadata describes it. */
interface ParameterMetadata {
  readonly schema?: { readonly type?: unknown; readonly $ref?: unknown };
}

/** A transaction as fabric-contract-api's metadata describes it. */
interface TransactionMetadata {
  readonly parameters?: readonly ParameterMetadata[];
}

type Validator = ((data: unknown) => boolean) & { errors?: readonly { message?: string }[] | null };

interface Marshall {
  readonly ajv: { compile(schema: object): Validator };
  readonly components: unknown;
  fromWireBuffer(
    data: unknown,
    schema: object,
    loggerPrefix: string,
  ): { value: unknown; validateData: unknown };
  handleParameters(fn: TransactionMetadata, parameters: readonly unknown[], loggerPrefix: string): unknown[];
}

function isMarshall(value: unknown): value is Marshall {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof Marshall, unknown>>;
  const ajv = candidate.ajv as { compile?: unknown } | undefined;
  return (
    typeof candidate.fromWireBuffer === 'function' &&
    typeof candidate.handleParameters === 'function' &&
    typeof ajv === 'object' &&
    typeof ajv.compile === 'function' &&
    'components' in candidate
  );
}

/** The marshalls of a `ChaincodeFromContract`, one per contract. */
function marshallsOf(chaincode: unknown): Marshall[] {
  const implementations: unknown =
    typeof chaincode === 'object' && chaincode !== null && 'contractImplementations' in chaincode
      ? chaincode.contractImplementations
      : undefined;
  if (typeof implementations !== 'object' || implementations === null) {
    throw new Error('fabric-shim chaincode has no contractImplementations');
  }
  return Object.values(implementations).map((implementation: unknown) => {
    const marshall: unknown =
      typeof implementation === 'object' && implementation !== null && 'dataMarshall' in implementation
        ? implementation.dataMarshall
        : undefined;
    if (!isMarshall(marshall)) {
      throw new Error('fabric-shim contract implementation has no DataMarshall of the known shape');
    }
    return marshall;
  });
}

/** The schema the shim validates one parameter against. */
function parameterSchema(marshall: Marshall, parameter: ParameterMetadata): object {
  return { properties: { prop: parameter.schema }, components: { schemas: marshall.components } };
}

/**
 * Installs the lean parameter handling on `chaincode` (a fabric-shim `ChaincodeFromContract`).
 *
 * @param debugEnabled - whether the shim's debug messages are wanted; checked on every call.
 * @throws Error when the chaincode does not have fabric-shim 2.5's shape.
 */
export function leanShimParameterHandling(chaincode: unknown, debugEnabled: () => boolean): void {
  for (const marshall of marshallsOf(chaincode)) {
    const shimHandling = marshall.handleParameters.bind(marshall);
    const validators = new WeakMap<ParameterMetadata, { schema: object; validate: Validator }>();
    marshall.handleParameters = (fn, parameters, loggerPrefix) => {
      const expected = fn.parameters;
      const plain =
        expected?.every(
          (parameter) => typeof parameter.schema === 'object' && parameter.schema.$ref === undefined,
        ) ?? false;
      if (debugEnabled() || expected === undefined || !plain) {
        return shimHandling(fn, parameters, loggerPrefix);
      }
      if (expected.length !== parameters.length) {
        throw new Error(
          `Expected ${String(expected.length)} parameters, but ${String(parameters.length)} have been supplied`,
        );
      }
      return expected.map((parameter, index) => {
        if (!parameter.schema?.type) {
          throw new Error(`Incorrect type information ${JSON.stringify(parameter.schema)}`);
        }
        let compiled = validators.get(parameter);
        if (compiled === undefined) {
          const schema = parameterSchema(marshall, parameter);
          compiled = { schema, validate: marshall.ajv.compile(schema) };
          validators.set(parameter, compiled);
        }
        const { value, validateData } = marshall.fromWireBuffer(
          parameters[index],
          compiled.schema,
          loggerPrefix,
        );
        if (!compiled.validate({ prop: validateData })) {
          const errors = JSON.stringify((compiled.validate.errors ?? []).map((error) => error.message));
          throw new Error(`Unable to validate parameter due to ${errors}`);
        }
        return value;
      });
    };
  }
}
