export { appComposeJson, composeHash } from "./compose-hash";
export { decryptEnv, decryptEnvText, EnvDecryptError } from "./decrypt-env";
export { type EncryptEnvOptions, encryptEnv, envPlaintext } from "./encrypt-env";
export {
  ENV_PUBLIC_KEY_BYTES,
  InvalidEnvPublicKeyError,
  parseEnvPublicKey,
  randomX25519SecretKey,
  x25519PublicKey,
} from "./env-public-key";
export {
  type EnvPublicKeyBinding,
  envPublicKeyDigest,
  kmsPublicKeyOf,
  recoverEnvPublicKeySigner,
  signEnvPublicKey,
  verifyEnvPublicKeySignature,
} from "./env-public-key-signature";
export type { EnvVar } from "./env-var";
export { bytesToHex, hexToBytes } from "./hex";
export {
  ENV_KEY_PATTERN,
  ENV_LIMITS,
  type EnvProblem,
  EnvValidationError,
  envProblems,
  validateEnv,
} from "./validate-env";
