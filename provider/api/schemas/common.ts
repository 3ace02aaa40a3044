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
