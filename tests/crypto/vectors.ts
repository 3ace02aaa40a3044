/**
 * The project's own vectors (RFC 7748 §6.1 keys, fixed IV) for env encryption, the KMS signature and the
 * compose hash; plus the dstack-util `test_dh_decrypt` vector.
 */
export const ENCRYPTION_VECTOR = {
  envSecretKey: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
  envPublicKey: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
  ephemeralSecretKey: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
  iv: "000102030405060708090a0b",
  env: [
    { key: "API_KEY", value: "secret" },
    { key: "DB_URL", value: "postgres://u:p@h/db" },
  ],
  plaintext: '{"env":[{"key":"API_KEY","value":"secret"},{"key":"DB_URL","value":"postgres://u:p@h/db"}]}',
  encryptedEnv:
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" +
    "000102030405060708090a0b" +
    "45fcd10e9301ba110d6d046cf609be1c060d2f7d3c48b2fbf77d2104585707cd5692767a73aeb8cd9857b444a8938d6f752c6e0b40123631114b4f82ae9043054590473da15f2ca2ba3784fcb7ebbd80b92eb823faca178d1f4153" +
    "85279e57554b8ee5b9c967249e4ceda7",
} as const;

/** dstack guest unit-test vector (dstack-util crypto.rs `test_dh_decrypt`): crypto only. */
export const DSTACK_GUEST_VECTOR = {
  secretKey: "7c282bf94b35dc47801dc953bfa0896fc2bd313381d3e8eca4e42f6536d2a96f",
  encryptedEnv:
    "0bd18749612f4c8b9dd583c7d6a646b90abd34e3c731a7708d0caf9039095641e1f0948e775f0b7351788db7f246d51806954626dcccb6a60d64665ca3715c6bef75616cab476d27bba04080361200d6a58cec",
  plaintext: '[{"key":"","value":""}]',
} as const;

export const SIGNATURE_VECTOR = {
  kmsSecretKey: "01".repeat(32),
  kmsPublicKey: "0x031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f",
  appId: "11".repeat(20),
  envPublicKey: ENCRYPTION_VECTOR.envPublicKey,
  digest: "4524c188b9457ffb6e791fac5b20390fab589593d422de8fa5472aaf25056694",
  signature:
    "9e826b86e14580d6e1f11fa5cac2f8801d6103741b4df3a8aff586ee0e7f85b85e61d252bc63ecf5187ef6b2e4ef7deec6ac30e623b1f397cf96c2ec4fcffa6d00",
} as const;

export const COMPOSE_VECTOR = {
  appCompose: {
    runner: "docker-compose",
    docker_compose_file: "services: {}\n",
    allowed_envs: ["A", "B"],
    name: "x",
    manifest_version: 2,
    kms_enabled: true,
    features: ["kms"],
  },
  hash: "598119ce2a8fdb51d7d52f54c43bc2e64538f238941f37773361e69688c5e26c",
} as const;
