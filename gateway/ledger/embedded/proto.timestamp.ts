/**
 * Transaction timestamps in the shapes fabric-shim hands to chaincode. A Fabric client stamps the
 * proposal with millisecond precision (`Timestamp.fromDate`), so nanos are whole milliseconds.
 */

/** A `google.protobuf.Timestamp` as fabric-shim's history iterator returns it (`toObject()`). */
export interface PlainTimestamp {
  readonly seconds: number;
  readonly nanos: number;
}

/** The accessors fabric-shim's stub calls on the channel header's `google.protobuf.Timestamp`. */
export interface ProtoTimestamp {
  getSeconds(): number;
  getNanos(): number;
  toDate(): Date;
}

/** Splits a date into whole seconds since the epoch and the remaining nanoseconds. */
export function toPlainTimestamp(date: Date): PlainTimestamp {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: (millis - seconds * 1000) * 1_000_000 };
}

/**
 * A timestamp message with google-protobuf's accessors, so that fabric-shim's own `getTxTimestamp()`
 * and `getDateTimestamp()` shape what the chaincode sees.
 */
export function toProtoTimestamp(date: Date): ProtoTimestamp {
  const { seconds, nanos } = toPlainTimestamp(date);
  return {
    getSeconds: () => seconds,
    getNanos: () => nanos,
    // Same arithmetic as google-protobuf's Timestamp.prototype.toDate.
    toDate: () => new Date(seconds * 1000 + nanos / 1_000_000),
  };
}
