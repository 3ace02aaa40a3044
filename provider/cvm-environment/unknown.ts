/** The string the engine puts where a value is not known yet (preview of values from other resources). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Unknown = typeof UNKNOWN;

export const isUnknown = (value: unknown): value is Unknown => value === UNKNOWN;
