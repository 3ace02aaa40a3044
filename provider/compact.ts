/**
 * Copy of `obj` without the keys whose value is undefined: the one way optional fields are left
 * out of a value (protobuf Structs, JSON bodies and stored state carry no `undefined`).
 */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
