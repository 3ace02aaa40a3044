import { z } from "zod";

/** A string that may be null or absent; absent and null both become undefined. */
export const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

export const optionalNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? undefined);

/** Ids that are strings in one API version and integers in another. */
export const idString = z.union([z.string(), z.number().int()]).transform(String);

/** Copy of `obj` without the keys whose value is undefined (results stay protobuf-Struct safe). */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
