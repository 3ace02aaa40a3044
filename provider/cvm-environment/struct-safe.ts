import { compact } from "../compact";

/**
 * Provider results travel as protobuf Structs: `undefined` and `bigint` make the host fail and
 * bytes are mangled. Drops undefined object entries recursively and rejects anything else unsafe.
 */
export function structSafe<T>(value: T): T {
  return clean(value, "result") as T;
}

function clean(value: unknown, path: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is not a finite number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => clean(item, `${path}[${index}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(compact(value as Record<string, unknown>))) {
      out[key] = clean(item, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`${path} is a ${typeof value}, which a provider result cannot carry`);
}
