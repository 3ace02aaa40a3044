/**
 * Env keys as Pulumi property-map keys. Pulumi's serialization assigns each key of a map
 * (`result[key] = value`), and assigning `__proto__` is a no-op, so that key and its value would vanish
 * between the program, the engine and the provider. The guest accepts the name, so it travels under
 * an escaped property key: the name followed by U+200B, invisible in preview and never part of a name
 * the guest accepts. Maps keyed by env key (`env`, `envRevisions`) hold property keys; every list of
 * env keys (`envKeys`, what is sent to the API) holds the names themselves.
 */
const PROTO = "__proto__";
const ESCAPED_PROTO = `${PROTO}\u200b`;

export const toPropertyKey = (envKey: string): string => (envKey === PROTO ? ESCAPED_PROTO : envKey);

export const fromPropertyKey = (propertyKey: string): string =>
  propertyKey === ESCAPED_PROTO ? PROTO : propertyKey;

/** `map` with its keys as property keys (the same object when none needs escaping). */
export function withPropertyKeys<V>(map: Readonly<Record<string, V>>): Record<string, V> {
  if (!Object.hasOwn(map, PROTO)) return map;
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [toPropertyKey(key), value]));
}
