import { APP_ID_PATTERN, bareAppId } from "../../provider/normalize";
import { lazySchema } from "./lazy-schema";

/** A KMS id or slug: one URL path segment (no whitespace, `/`, `?` or `#`). */
export const kmsIdSchema = lazySchema((z) =>
  z
    .string({ error: "must be a KMS id or slug (a string)" })
    .trim()
    .min(1, { error: "must be a KMS id or slug, not empty" })
    .regex(/^[^\s/?#%]+$/, { error: "must be a KMS id or slug without whitespace, '/', '?', '#' or '%'" }),
);

/** An app id: 40 hex digits, optionally `0x`- or `app_`-prefixed; normalized to lowercase bare hex. */
export const appIdSchema = lazySchema((z) =>
  z
    .string({ error: "must be an app id (40 hex digits, optional 0x or app_ prefix)" })
    .trim()
    .regex(APP_ID_PATTERN, { error: "must be an app id (40 hex digits, optional 0x or app_ prefix)" })
    .transform((id) => bareAppId(id) ?? id),
);

const KMS_PUBLIC_KEY = /^(?:0x)?(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/;

/** A secp256k1 public key in SEC1 form (33 bytes compressed or 65 uncompressed), hex, optional `0x`. */
export const kmsPublicKeySchema = lazySchema((z) =>
  z
    .string({ error: "must be a secp256k1 public key as hex (33 or 65 bytes, optional 0x)" })
    .trim()
    .regex(KMS_PUBLIC_KEY, { error: "must be a secp256k1 public key as hex (33 or 65 bytes, optional 0x)" }),
);
