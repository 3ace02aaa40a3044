export { appComposeJson, composeHash } from "./compose-hash";
export { decryptEnv, decryptEnvText, EnvDecryptError } from "./decrypt-env";
export { encryptEnv, envPlaintext } from "./encrypt-env";
export {
  InvalidEnvPublicKeyError,
  parseEnvPublicKey,
  randomX25519SecretKey,
  x25519PublicKey,
} from "./env-public-key";
export {
  envPublicKeyDigest,
  kmsPublicKeyOf,
  recoverEnvPublicKeySigner,
  signEnvPublicKey,
  verifyEnvPublicKeySignature,
} from "./env-public-key-signature";
export type { EnvVar } from "./env-var";
export { bytesToHex, hexToBytes } from "./hex";
export { ENV_LIMITS, EnvValidationError, envProblems, validateEnv } from "./validate-env";
